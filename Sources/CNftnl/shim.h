#ifndef KPX_CNFTNL_SHIM_H
#define KPX_CNFTNL_SHIM_H
/* libmnl + libnftnl for NetlinkBridge, plus static-inline wrappers for what does not import
 * into Swift (function-like macros, GNU-only declarations). */
#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h> /* before any linux/ header: libc-compat.h then skips linux/in.h, in6.h */
#include <errno.h>
#include <libmnl/libmnl.h>
#include <libnftnl/table.h>
#include <libnftnl/chain.h>
#include <libnftnl/rule.h>
#include <libnftnl/expr.h>
#include <libnftnl/batch.h>
#include <libnftnl/gen.h>
#include <linux/netlink.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nf_tables_compat.h>

/* setns(2) is declared by <sched.h> only under _GNU_SOURCE. */
extern int setns(int fd, int nstype);

/* CLONE_NEWNET, a macro in <sched.h> under _GNU_SOURCE. */
static inline int kpx_clone_newnet(void) { return 0x40000000; }

static inline int kpx_setns(int fd, int nstype) { return setns(fd, nstype); }

/* MNL_SOCKET_BUFFER_SIZE is a function-like macro. */
static inline size_t kpx_mnl_socket_buffer_size(void) { return MNL_SOCKET_BUFFER_SIZE; }

/* nftnl_rule_nlmsg_build_hdr & co. are macros over nftnl_nlmsg_build_hdr. */
static inline struct nlmsghdr *kpx_nftnl_rule_nlmsg_build_hdr(char *buf, uint16_t cmd, uint16_t family,
                                                             uint16_t flags, uint32_t seq) {
    return nftnl_nlmsg_build_hdr(buf, cmd, family, flags, seq);
}

/* errno as a function (thread-local access from Swift). */
static inline int kpx_errno(void) { return errno; }
#endif
