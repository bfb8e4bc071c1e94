#ifndef KPX_CNETFILTER_SHIM_H
#define KPX_CNETFILTER_SHIM_H
/* CNetfilter: the netfilter C libraries NetlinkBridge wraps (libmnl: sockets; libnftnl: rule
 * printing and the encoder cross-check; the kernel's netfilter and ipset headers), plus
 * static-inline wrappers for what does not import into Swift (macros, GNU-only declarations). */
#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h> /* before any linux/ header: libc-compat.h then skips linux/in.h, in6.h */
#include <errno.h>
#include <string.h>
#include <malloc.h> /* malloc_trim: glibc only, not in Swift's Glibc module */
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
#include <linux/netfilter/ipset/ip_set.h>
#include "nftnl_text.h"

/* setns(2) is declared by <sched.h> only under _GNU_SOURCE. */
extern int setns(int fd, int nstype);

/* CLONE_NEWNET, a macro in <sched.h> under _GNU_SOURCE. */
static inline int kpx_clone_newnet(void) { return 0x40000000; }

static inline int kpx_setns(int fd, int nstype) { return setns(fd, nstype); }

/* ipset's getsockopt protocol (SO_IP_SET on a raw IPv4 socket, linux/netfilter/ipset/ip_set.h):
 * each returns 0 or -errno. The socket must have been opened in the namespace whose sets we mean. */
static inline int kpx_ipset_version(int fd, unsigned int *version) {
    struct ip_set_req_version req = { .op = IP_SET_OP_VERSION };
    socklen_t size = sizeof(req);
    if (getsockopt(fd, SOL_IP, SO_IP_SET, &req, &size) != 0) return -errno;
    if (size != sizeof(req)) return -EPROTO;
    *version = req.version;
    return 0;
}

/* IP_SET_OP_GET_BYINDEX: `name` (IPSET_MAXNAMELEN bytes) gets the set's name, "" when none. */
static inline int kpx_ipset_name_by_index(int fd, unsigned int version, uint16_t index, char *name) {
    struct ip_set_req_get_set req = { .op = IP_SET_OP_GET_BYINDEX, .version = version };
    socklen_t size = sizeof(req);
    req.set.index = index;
    if (getsockopt(fd, SOL_IP, SO_IP_SET, &req, &size) != 0) return -errno;
    if (size != sizeof(req)) return -EPROTO;
    memcpy(name, req.set.name, IPSET_MAXNAMELEN);
    name[IPSET_MAXNAMELEN - 1] = 0;
    return 0;
}

/* IP_SET_OP_GET_FNAME (as libxt_set): `index` gets the set's index (IPSET_INVALID_ID when none)
 * and `family` its NFPROTO family (0 = any); kernels without GET_FNAME (EBADMSG) fall back to
 * IP_SET_OP_GET_BYNAME and report family 0. */
static inline int kpx_ipset_index_by_name(int fd, unsigned int version, const char *name, uint16_t *index,
                                          unsigned int *family) {
    struct ip_set_req_get_set_family req = { .op = IP_SET_OP_GET_FNAME, .version = version };
    socklen_t size = sizeof(req);
    strncpy(req.set.name, name, IPSET_MAXNAMELEN - 1);
    if (getsockopt(fd, SOL_IP, SO_IP_SET, &req, &size) == 0) {
        if (size != sizeof(req)) return -EPROTO;
        *index = req.set.index;
        *family = req.family;
        return 0;
    }
    if (errno != EBADMSG) return -errno;
    struct ip_set_req_get_set old = { .op = IP_SET_OP_GET_BYNAME, .version = version };
    size = sizeof(old);
    strncpy(old.set.name, name, IPSET_MAXNAMELEN - 1);
    if (getsockopt(fd, SOL_IP, SO_IP_SET, &old, &size) != 0) return -errno;
    if (size != sizeof(old)) return -EPROTO;
    *index = old.set.index;
    *family = 0;
    return 0;
}

static inline int kpx_ipset_maxnamelen(void) { return IPSET_MAXNAMELEN; }
static inline int kpx_ipset_invalid_id(void) { return IPSET_INVALID_ID; }

#endif
