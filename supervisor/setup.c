/* setup.c: see setup.h. */

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"
#include "setup.h"

int
setup_xtables_lock(const struct helper_creds *syncer)
{
	int fd;

	if (!syncer->drop)
		return 0;
	fd = open(XTABLES_LOCK, O_RDONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW,
	    0600);
	if (fd < 0) {
		log_warn("%s", XTABLES_LOCK);
		return -1;
	}
	/* the group keeps other users of iptables (root) working as before */
	if (fchown(fd, syncer->uid, (gid_t)-1) != 0) {
		log_warn("chown %s", XTABLES_LOCK);
		close(fd);
		return -1;
	}
	close(fd);
	log_info("%s: handed to the syncer (uid %d) for iptables-legacy",
	    XTABLES_LOCK, (int)syncer->uid);
	return 0;
}
