/* unit.h: what every Check test program does in main(). */
#ifndef KP_UNIT_H
#define KP_UNIT_H

#include <check.h>
#include <stdlib.h>

/* Run the suite; the exit status says whether anything failed. */
static inline int
unit_run(Suite *s)
{
	SRunner *sr = srunner_create(s);
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

#endif
