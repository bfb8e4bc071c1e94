#ifndef KPX_CNETFILTER_NFTNL_TEXT_H
#define KPX_CNETFILTER_NFTNL_TEXT_H
/* libnftnl as the printer of rules our codec keeps opaque (dump, --dry-run, trace) and as a
 * cross-check of our encoder (tests). Tested against libnftnl 1.2.4 + libmnl 1.0.4.
 *
 * Both functions copy the input into a private, 4-aligned buffer followed by zero bytes
 * (so libnftnl's strdup() of a string attribute can never read past our allocation), check the
 * framing libnftnl trusts blindly (every NFTA_RULE_EXPRESSIONS element is an NFTA_LIST_ELEM
 * holding a NUL-terminated NFTA_EXPR_NAME that libnftnl knows), and return -errno on failure:
 *   -EINVAL      malformed framing or libnftnl refused the attributes
 *   -EOPNOTSUPP  an expression name libnftnl does not know
 *   -ENOSPC      (rebuild only) the rebuilt payload does not fit in outcap
 *   -ENOMEM
 * Caveat: libnftnl calls exit(EXIT_FAILURE) ("nf_tables kernel ABI is broken") when an attribute
 * it knows has the wrong size for its type (libmnl's mnl_attr_validate: a u32 that is not exactly
 * 4 bytes, e.g. a 2-byte NFTA_CMP_SREG or an 8-byte NFTA_META_KEY). Feed these functions kernel
 * dumps or our encoder's output, never arbitrary bytes (fuzzers). */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <libmnl/libmnl.h>
#include <libnftnl/rule.h>
#include <libnftnl/expr.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nf_tables.h>

/* Checks one NFTA_RULE_EXPRESSIONS payload: 0 or -errno. */
static inline int kpx__nftnl_check_exprs(const void *exprs, size_t len) {
    const struct nlattr *elem = exprs;
    int rem = (int)len;
    while (rem > 0) {
        if (!mnl_attr_ok(elem, rem) || mnl_attr_get_type(elem) != NFTA_LIST_ELEM) return -EINVAL;
        const struct nlattr *a, *name = NULL;
        mnl_attr_for_each_nested(a, elem) {
            if (mnl_attr_get_type(a) == NFTA_EXPR_NAME) name = a;
            /* libnftnl exit()s on a NFTA_EXPR_DATA of 1..3 bytes */
            if (mnl_attr_get_type(a) == NFTA_EXPR_DATA && mnl_attr_get_payload_len(a) > 0 &&
                mnl_attr_get_payload_len(a) < MNL_ATTR_HDRLEN) return -EINVAL;
        }
        if (!name) return -EINVAL;
        size_t nl = mnl_attr_get_payload_len(name);
        const char *s = mnl_attr_get_payload(name);
        if (nl == 0 || memchr(s, 0, nl) == NULL) return -EINVAL;
        struct nftnl_expr *probe = nftnl_expr_alloc(s);
        if (!probe) return errno == ENOMEM ? -ENOMEM : -EOPNOTSUPP;
        nftnl_expr_free(probe);
        rem -= (int)MNL_ALIGN(elem->nla_len);
        elem = (const struct nlattr *)((const char *)elem + MNL_ALIGN(elem->nla_len));
    }
    return rem <= 0 ? 0 : -EINVAL; /* < 0: the last element's padding is missing, as libmnl allows */
}

/* A synthetic NFT_MSG_NEWRULE message holding only NFTA_RULE_EXPRESSIONS = exprs, in a zeroed
 * heap buffer with 64 spare zero bytes; free() it. NULL with errno on failure. */
static inline struct nlmsghdr *kpx__nftnl_wrap_exprs(uint16_t family, const void *exprs, size_t len) {
    if (len > 0xffff - NLMSG_HDRLEN - sizeof(struct nfgenmsg) - NLA_HDRLEN) { errno = EINVAL; return NULL; }
    size_t size = MNL_NLMSG_HDRLEN + MNL_ALIGN(sizeof(struct nfgenmsg)) + MNL_ATTR_HDRLEN + MNL_ALIGN(len) + 64;
    char *buf = calloc(1, size);
    if (!buf) return NULL;
    struct nlmsghdr *nlh = nftnl_nlmsg_build_hdr(buf, NFT_MSG_NEWRULE, family, 0, 0);
    mnl_attr_put(nlh, NFTA_RULE_EXPRESSIONS | NLA_F_NESTED, len, exprs);
    return nlh;
}

/* Parses a rule message into a new nftnl_rule: 0 or -errno. */
static inline int kpx__nftnl_parse(const struct nlmsghdr *nlh, struct nftnl_rule **out) {
    const struct nlattr *a;
    mnl_attr_for_each(a, nlh, sizeof(struct nfgenmsg)) {
        if (mnl_attr_get_type(a) == NFTA_RULE_EXPRESSIONS) {
            int err = kpx__nftnl_check_exprs(mnl_attr_get_payload(a), mnl_attr_get_payload_len(a));
            if (err) return err;
        }
    }
    struct nftnl_rule *r = nftnl_rule_alloc();
    if (!r) return -ENOMEM;
    if (nftnl_rule_nlmsg_parse(nlh, r) < 0) { nftnl_rule_free(r); return -EINVAL; }
    *out = r;
    return 0;
}

/* Prints the expressions of one NFTA_RULE_EXPRESSIONS payload (the nest's content: a run of
 * NFTA_LIST_ELEM) as libnftnl prints a rule's: one "  [ <expr> <fields> ]\n" line each.
 * Returns the full text length (snprintf-like: >= outlen means truncated; out is always
 * NUL-terminated when outlen > 0) or -errno. */
static inline int kpx_nftnl_print_expressions(uint16_t family, const void *exprs, size_t len, char *out,
                                              size_t outlen) {
    if (outlen) out[0] = 0;
    struct nlmsghdr *nlh = kpx__nftnl_wrap_exprs(family, exprs, len);
    if (!nlh) return -errno;
    struct nftnl_rule *r = NULL;
    int ret = kpx__nftnl_parse(nlh, &r);
    if (ret == 0) {
        size_t off = 0;
        struct nftnl_expr_iter *it = nftnl_expr_iter_create(r);
        struct nftnl_expr *e;
        while (it && (e = nftnl_expr_iter_next(it)) != NULL) {
            int n = snprintf(out + (off < outlen ? off : outlen), off < outlen ? outlen - off : 0, "  [ %s ",
                             nftnl_expr_get_str(e, NFTNL_EXPR_NAME));
            off += n > 0 ? (size_t)n : 0;
            n = nftnl_expr_snprintf(out + (off < outlen ? off : outlen), off < outlen ? outlen - off : 0, e,
                                    NFTNL_OUTPUT_DEFAULT, 0);
            off += n > 0 ? (size_t)n : 0;
            n = snprintf(out + (off < outlen ? off : outlen), off < outlen ? outlen - off : 0, "]\n");
            off += n > 0 ? (size_t)n : 0;
        }
        if (it) nftnl_expr_iter_destroy(it); else ret = -ENOMEM;
        nftnl_rule_free(r);
        if (ret == 0) ret = off > INT32_MAX ? -EOVERFLOW : (int)off;
    }
    free(nlh);
    return ret;
}

/* Parses one NFTA_RULE_EXPRESSIONS payload with libnftnl and has libnftnl build it again
 * (nftnl_rule_nlmsg_build_payload): the rebuilt payload goes to out. Returns its length, or
 * -errno. Byte-identical to the input exactly when the input is encoded as libnftnl (hence
 * iptables-nft) encodes it: libnftnl's attribute order, NLA_F_NESTED on every nest, zeroed
 * padding, only attributes libnftnl knows. Kernel dumps are NOT identical (no NLA_F_NESTED,
 * kernel attribute order, bitwise's NFTA_BITWISE_OP). */
static inline int kpx_nftnl_rebuild_expressions(uint16_t family, const void *exprs, size_t len, void *out,
                                                size_t outcap) {
    struct nlmsghdr *in = kpx__nftnl_wrap_exprs(family, exprs, len);
    if (!in) return -errno;
    struct nftnl_rule *r = NULL;
    int ret = kpx__nftnl_parse(in, &r);
    free(in);
    if (ret) return ret;
    /* libmnl 1.0.4 does not clear attribute padding: build into zeroed memory. libnftnl
     * rebuilds every attribute at most as long as it parsed it as long as string attributes
     * carry their NUL (the kernel, libnftnl and AttributeWriter.putString all write it); a
     * string without one makes libnftnl strdup() on into the following bytes (stopped by our
     * zero tail), which 2 * len + 4096 covers for anything but crafted input. */
    size_t cap = MNL_NLMSG_HDRLEN + 16 + 2 * len + 4096;
    char *buf = calloc(1, cap);
    if (!buf) { nftnl_rule_free(r); return -ENOMEM; }
    struct nlmsghdr *nlh = nftnl_nlmsg_build_hdr(buf, NFT_MSG_NEWRULE, family, 0, 0);
    nftnl_rule_nlmsg_build_payload(nlh, r);
    nftnl_rule_free(r);
    ret = 0; /* no expressions: empty payload */
    const struct nlattr *a;
    mnl_attr_for_each(a, nlh, sizeof(struct nfgenmsg)) {
        if (mnl_attr_get_type(a) != NFTA_RULE_EXPRESSIONS) continue;
        size_t n = mnl_attr_get_payload_len(a);
        if (n > outcap) { ret = -ENOSPC; break; }
        memcpy(out, mnl_attr_get_payload(a), n);
        ret = (int)n;
    }
    free(buf);
    return ret;
}
#endif
