/*
 * nft_batch.c: see nft_batch.h.
 *
 * Only the last message asks for an acknowledgement: the kernel answers
 * every refused message with an error and, after the whole batch, the
 * acknowledged one, so reading up to that answer reads them all.  The
 * batch goes out in one sendmsg() (the kernel handles a batch within
 * that call); the socket's send buffer is forced to its size, as nft
 * does, which CAP_NET_ADMIN allows.
 */

#include <errno.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netlink.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include <libmnl/libmnl.h>
#include <libnftnl/common.h>

#include "nft_batch.h"
#include "render_iptables.h"
#include "xmalloc.h"

#ifndef NETLINK_EXT_ACK
#define NETLINK_EXT_ACK	11
#endif
#ifndef NETLINK_CAP_ACK
#define NETLINK_CAP_ACK	10
#endif

#define RECV_TIMEOUT_S	60

/* Number the messages 1.., ask for an ack on the last; returns the
 * last's number. */
static uint32_t
number(struct nft_emit *e)
{
	struct nlmsghdr *last = NULL;
	uint32_t seq = 1;
	size_t i, off;

	for (i = 0; i < NFT_NPHASES; i++)
		for (off = 0; off < e->msg[i].len; ) {
			struct nlmsghdr *nlh =
			    (struct nlmsghdr *)(e->msg[i].data + off);

			nlh->nlmsg_seq = seq++;
			nlh->nlmsg_flags &= ~NLM_F_ACK;
			last = nlh;
			off += NLMSG_ALIGN(nlh->nlmsg_len);
		}
	if (last != NULL)
		last->nlmsg_flags |= NLM_F_ACK;
	return seq - 1;
}

/* The kernel's extended-ack message text, if it sent one. */
static const char *
ext_ack_msg(const struct nlmsghdr *nlh)
{
	const struct nlmsgerr *err = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *attr;
	size_t off;

	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return NULL;
	/* NETLINK_CAP_ACK: the request's header only */
	off = sizeof(*err);
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		off += err->msg.nlmsg_len - sizeof(struct nlmsghdr);
	mnl_attr_for_each_payload((const struct nlattr *)
	    ((const char *)err + off),
	    mnl_nlmsg_get_payload_len(nlh) - off) {
		if (mnl_attr_get_type(attr) == NLMSGERR_ATTR_MSG &&
		    mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) >= 0)
			return mnl_attr_get_str(attr);
	}
	return NULL;
}

/* Line k (1-based) of text into out. */
static void
take_line(const struct render_buf *text, size_t k, char *out, size_t len)
{
	const char *p = text->data, *end = text->data + text->len, *nl;
	size_t i, n;

	out[0] = '\0';
	for (i = 1; i < k && p < end; i++) {
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			return;
		p = nl + 1;
	}
	if (p >= end)
		return;
	nl = memchr(p, '\n', (size_t)(end - p));
	n = nl != NULL ? (size_t)(nl - p) : (size_t)(end - p);
	while (n > 0 && (*p == '\t' || *p == ' ')) {
		p++;
		n--;
	}
	if (n >= len)
		n = len - 1;
	memcpy(out, p, n);
	out[n] = '\0';
}

static void
refused(struct nft_emit *e, uint32_t seq, int error, const char *why,
    struct apply_result *res)
{
	struct render_buf text;

	res->line = (long)nft_emit_line_of(e, seq - 1);
	if (res->line > 0) {
		render_buf_init(&text);
		nft_emit_text(e, &text);
		take_line(&text, (size_t)res->line, res->line_text,
		    sizeof(res->line_text));
		render_buf_free(&text);
	}
	snprintf(res->err, sizeof(res->err), "nftables refused the "
	    "transaction: %s%s%s (line %ld: %s)", strerror(error),
	    why != NULL ? ": " : "", why != NULL ? why : "", res->line,
	    res->line_text);
}

static int
talk(struct nft_emit *e, struct mnl_socket *nl, struct apply_result *res)
{
	char begin[MNL_SOCKET_BUFFER_SIZE], end[MNL_SOCKET_BUFFER_SIZE];
	struct iovec iov[NFT_NPHASES + 2];
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	struct msghdr mh = { 0 };
	struct nlmsghdr *b, *z;
	char *buf;
	uint32_t last, first_bad = 0;
	int niov = 0, one = 1, first_err = 0, size;
	size_t i, total = 0;
	ssize_t n;
	bool done = false;
	char why[256] = "";
	struct timeval tv = { .tv_sec = RECV_TIMEOUT_S };

	last = number(e);
	b = nftnl_batch_begin(begin, 0);
	z = nftnl_batch_end(end, last + 1);
	iov[niov].iov_base = b;
	iov[niov++].iov_len = NLMSG_ALIGN(b->nlmsg_len);
	for (i = 0; i < NFT_NPHASES; i++)
		if (e->msg[i].len > 0) {
			iov[niov].iov_base = e->msg[i].data;
			iov[niov++].iov_len = e->msg[i].len;
		}
	iov[niov].iov_base = z;
	iov[niov++].iov_len = NLMSG_ALIGN(z->nlmsg_len);
	for (i = 0; i < (size_t)niov; i++)
		total += iov[i].iov_len;

	setsockopt(mnl_socket_get_fd(nl), SOL_NETLINK, NETLINK_CAP_ACK, &one,
	    sizeof(one));
	setsockopt(mnl_socket_get_fd(nl), SOL_NETLINK, NETLINK_EXT_ACK, &one,
	    sizeof(one));
	setsockopt(mnl_socket_get_fd(nl), SOL_SOCKET, SO_RCVTIMEO, &tv,
	    sizeof(tv));
	size = total + 65536 > (size_t)1 << 30 ? 1 << 30 :
	    (int)(total + 65536);
	if (setsockopt(mnl_socket_get_fd(nl), SOL_SOCKET, SO_SNDBUFFORCE,
	    &size, sizeof(size)) != 0)
		setsockopt(mnl_socket_get_fd(nl), SOL_SOCKET, SO_SNDBUF,
		    &size, sizeof(size));
	size = 4 << 20;
	if (setsockopt(mnl_socket_get_fd(nl), SOL_SOCKET, SO_RCVBUFFORCE,
	    &size, sizeof(size)) != 0)
		setsockopt(mnl_socket_get_fd(nl), SOL_SOCKET, SO_RCVBUF,
		    &size, sizeof(size));

	mh.msg_name = &sa;
	mh.msg_namelen = sizeof(sa);
	mh.msg_iov = iov;
	mh.msg_iovlen = (size_t)niov;
	n = sendmsg(mnl_socket_get_fd(nl), &mh, 0);
	if (n < 0 || (size_t)n != total) {
		snprintf(res->err, sizeof(res->err), "nftables: cannot send "
		    "the transaction (%zu bytes): %s", total,
		    n < 0 ? strerror(errno) : "short write");
		return -1;
	}

	buf = xmalloc(MNL_SOCKET_BUFFER_SIZE * 4);
	while (!done) {
		const struct nlmsghdr *nlh;
		int left;

		n = recv(mnl_socket_get_fd(nl), buf, MNL_SOCKET_BUFFER_SIZE * 4,
		    0);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			snprintf(res->err, sizeof(res->err), "nftables: no "
			    "answer to the transaction: %s", strerror(errno));
			free(buf);
			return -1;
		}
		left = (int)n;
		for (nlh = (const struct nlmsghdr *)buf;
		    mnl_nlmsg_ok(nlh, left); nlh = mnl_nlmsg_next(nlh, &left)) {
			const struct nlmsgerr *err;

			if (nlh->nlmsg_type != NLMSG_ERROR)
				continue;
			err = mnl_nlmsg_get_payload(nlh);
			if (err->error != 0 && (first_err == 0 ||
			    nlh->nlmsg_seq < first_bad)) {
				const char *m = ext_ack_msg(nlh);

				first_err = -err->error;
				first_bad = nlh->nlmsg_seq;
				snprintf(why, sizeof(why), "%s", m != NULL ?
				    m : "");
			}
			if (nlh->nlmsg_seq == last)
				done = true;
		}
	}
	free(buf);
	if (first_err != 0) {
		refused(e, first_bad, first_err, why[0] != '\0' ? why : NULL,
		    res);
		return -1;
	}
	return 0;
}

int
nft_batch_send(struct nft_emit *e, struct apply_result *res)
{
	struct mnl_socket *nl;
	uint64_t t0 = apply_now_ns();
	int rc;

	apply_result_reset(res);
	if (e->error) {
		snprintf(res->err, sizeof(res->err), "nftables: a message "
		    "could not be built");
		return -1;
	}
	if (nft_emit_count(e) == 0) {
		res->ok = true;
		res->status = 0;
		res->duration_ns = 0;
		return 0;
	}
	if ((nl = mnl_socket_open(NETLINK_NETFILTER)) == NULL ||
	    mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		snprintf(res->err, sizeof(res->err), "nftables: netlink "
		    "socket: %s", strerror(errno));
		if (nl != NULL)
			mnl_socket_close(nl);
		return -1;
	}
	rc = talk(e, nl, res);
	mnl_socket_close(nl);
	res->duration_ns = apply_now_ns() - t0;
	res->status = rc == 0 ? 0 : 1;
	res->ok = rc == 0;
	return rc;
}
