/* spec-parse.c — config.json (runtime-spec v1.3.0, Linux) -> struct lc_spec.
 *
 * Owns: reading the document with yajl's tree API and turning it into the
 * structs of spec.h.  Nothing outside this file sees a yajl_val.
 *
 * The model is described by field tables (one per JSON object: name, kind,
 * offset in our struct, has_ flag, required, enum values); one generic walker
 * applies them, so a field is added by adding one table line.  Rules:
 *  - unknown properties are ignored (config.md § Extensibility);
 *  - JSON `null` counts as absent (what Go's encoding/json does for runc);
 *  - a duplicated key: the last occurrence wins (Go's rule too); in string
 *    maps the later value replaces the earlier one in place;
 *  - wrong types, out-of-range integers (ranges from defs.json), enum values
 *    outside the schema's lists and missing required fields are errors that
 *    name the JSON path with array indices, e.g.
 *    `linux.namespaces[1].type: invalid value "foo"`; map entries are shown as
 *    `linux.sysctl["net.ipv4.ip_forward"]`; the document itself is `(root)`.
 *  - before yajl sees the text we refuse NUL bytes, `\u0000` escapes (the tree
 *    API hands out C strings, so an embedded NUL would silently truncate) and
 *    nesting deeper than LC_JSON_MAX_DEPTH (yajl_tree_free recurses).
 *
 * It must not: look at the file system, or validate cross-field rules (that
 * is validate.c, which runs after a successful parse). */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yajl/yajl_tree.h>

#include "cleanup.h"
#include "error.h"
#include "fsutil.h"
#include "names.h"
#include "spec.h"
#include "xalloc.h"

#define LC_JSON_MAX_DEPTH 128

/* ---- the JSON path of the value being parsed ----------------------------- */

struct pctx {
  char *path;
  size_t len, cap;
  lc_error_t *err;
};

static void path_append(struct pctx *c, const char *s, size_t n)
{
  if (c->len + n + 1 > c->cap) {
    c->cap = (c->len + n + 1) * 2;
    c->path = xrealloc(c->path, c->cap);
  }
  memcpy(c->path + c->len, s, n);
  c->len += n;
  c->path[c->len] = '\0';
}

/* Append `s` with quotes, backslashes and non-printable bytes escaped, so an
 * error line stays one printable line whatever the document holds. */
static void append_escaped(struct pctx *c, const char *s)
{
  for (; *s; s++) {
    unsigned char ch = (unsigned char) *s;
    char buf[8];
    if (ch == '"' || ch == '\\') {
      buf[0] = '\\';
      buf[1] = (char) ch;
      path_append(c, buf, 2);
    } else if (ch < 0x20 || ch == 0x7f) {
      snprintf(buf, sizeof(buf), "\\x%02x", ch);
      path_append(c, buf, 4);
    } else {
      path_append(c, (const char *) &ch, 1);
    }
  }
}

static size_t path_push_key(struct pctx *c, const char *key)
{
  size_t saved = c->len;
  if (c->len)
    path_append(c, ".", 1);
  path_append(c, key, strlen(key));
  return saved;
}

static size_t path_push_index(struct pctx *c, size_t i)
{
  size_t saved = c->len;
  char buf[32];
  int n = snprintf(buf, sizeof(buf), "[%zu]", i);
  path_append(c, buf, (size_t) n);
  return saved;
}

static size_t path_push_mapkey(struct pctx *c, const char *key)
{
  size_t saved = c->len;
  path_append(c, "[\"", 2);
  append_escaped(c, key);
  path_append(c, "\"]", 2);
  return saved;
}

static void path_pop(struct pctx *c, size_t saved)
{
  c->len = saved;
  if (c->path)
    c->path[saved] = '\0';
}

static int perr(struct pctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int perr(struct pctx *c, const char *fmt, ...)
{
  va_list ap;
  _cleanup_free_ char *msg = NULL;
  va_start(ap, fmt);
  if (vasprintf(&msg, fmt, ap) < 0)
    msg = NULL;
  va_end(ap);
  return lc_error_set(c->err, EINVAL, "%s: %s", c->len ? c->path : "(root)",
                      msg ? msg : "invalid value");
}

/* `invalid value "x"` with x escaped like a path component. */
static int perr_value(struct pctx *c, const char *value)
{
  struct pctx tmp = {0};
  append_escaped(&tmp, value);
  int r = perr(c, "invalid value \"%s\"", tmp.path ? tmp.path : "");
  free(tmp.path);
  return r;
}

/* ---- field tables ---------------------------------------------------------- */

enum ftype {
  F_STR,    /* char * */
  F_BOOL,   /* bool */
  F_U16,    /* uint16_t */
  F_U32,    /* uint32_t */
  F_U64,    /* uint64_t */
  F_I32,    /* int32_t */
  F_I64,    /* int64_t */
  F_INT,    /* int (range lo..hi) */
  F_STRV,   /* char ** NULL-terminated (always allocated when present) */
  F_U32V,   /* uint32_t * + size_t count */
  F_OBJ,    /* pointer to a newly allocated struct described by `sub` */
  F_EMBED,  /* struct embedded at `off` (off may be 0: same struct) */
  F_OBJARR, /* array of structs: pointer at off + size_t count */
  F_OBJMAP, /* JSON object of objects -> array of structs whose first member is the key */
  F_KVMAP,  /* JSON object of strings -> struct lc_kv array + count */
  F_CUSTOM, /* custom(c, value, base + off) */
};

struct object;

struct field {
  const char *name;
  enum ftype type;
  size_t off;
  size_t has;   /* offsetof(has_ flag) + 1, or 0 */
  size_t count; /* offsetof(size_t count) for arrays */
  bool required;
  bool ranged; /* integers: use lo..hi instead of the type's range */
  int64_t lo, hi;
  const char *const *values;      /* enum for F_STR / F_STRV items */
  bool (*pattern)(const char *s); /* extra check for F_STR */
  const struct object *sub;
  int (*custom)(struct pctx *c, yajl_val v, void *dst);
};

struct object {
  const struct field *fields;
  size_t size;
};

#define F(n, t, m, ...)                                                                            \
  {                                                                                                \
    .name = n, .type = t, .off = offsetof(S, m), __VA_ARGS__                                       \
  }
#define HAS(m) .has = offsetof(S, m) + 1
#define CNT(m) .count = offsetof(S, m)
#define REQ .required = true
#define RANGE(a, b) .ranged = true, .lo = (a), .hi = (b)
#define SUB(o) .sub = &(o)
#define ENUM(v) .values = (v)
#define OBJECT(name, type, tab) static const struct object name = {tab, sizeof(type)}

static int parse_object(struct pctx *c, yajl_val v, const struct field *f, void *base);

static yajl_val obj_get(yajl_val obj, const char *key)
{
  for (size_t i = obj->u.object.len; i-- > 0;)
    if (strcmp(obj->u.object.keys[i], key) == 0)
      return obj->u.object.values[i];
  return NULL;
}

/* ---- scalars --------------------------------------------------------------- */

static bool is_integer_text(yajl_val v)
{
  return YAJL_IS_NUMBER(v) && v->u.number.r && !strpbrk(v->u.number.r, ".eE");
}

static int get_u64(struct pctx *c, yajl_val v, uint64_t max, uint64_t *out)
{
  if (!is_integer_text(v))
    return perr(c, "expected an integer");
  const char *s = v->u.number.r;
  if (s[0] == '-') {
    if (strspn(s + 1, "0") != strlen(s + 1))
      return perr(c, "value %s out of range", s);
    *out = 0;
    return 0;
  }
  errno = 0;
  char *end = NULL;
  unsigned long long x = strtoull(s, &end, 10);
  if (errno == ERANGE || *end || x > max)
    return perr(c, "value %s out of range", s);
  *out = x;
  return 0;
}

static int get_i64(struct pctx *c, yajl_val v, int64_t lo, int64_t hi, int64_t *out)
{
  if (!is_integer_text(v))
    return perr(c, "expected an integer");
  const char *s = v->u.number.r;
  errno = 0;
  char *end = NULL;
  long long x = strtoll(s, &end, 10);
  if (errno == ERANGE || *end || x < lo || x > hi)
    return perr(c, "value %s out of range", s);
  *out = x;
  return 0;
}

static bool in_list(const char *const *list, const char *s)
{
  for (; *list; list++)
    if (strcmp(*list, s) == 0)
      return true;
  return false;
}

static int get_string(struct pctx *c, yajl_val v, const struct field *f, char **out)
{
  if (!YAJL_IS_STRING(v))
    return perr(c, "expected a string");
  if (f
      && ((f->values && !in_list(f->values, v->u.string))
          || (f->pattern && !f->pattern(v->u.string))))
    return perr_value(c, v->u.string);
  *out = xstrdup(v->u.string);
  return 0;
}

static int get_bool(struct pctx *c, yajl_val v, bool *out)
{
  if (!YAJL_IS_TRUE(v) && !YAJL_IS_FALSE(v))
    return perr(c, "expected a boolean");
  *out = YAJL_IS_TRUE(v);
  return 0;
}

static int parse_unsigned(struct pctx *c, const struct field *f, yajl_val v, void *dst)
{
  static const uint64_t max[] = {[F_U16] = UINT16_MAX, [F_U32] = UINT32_MAX, [F_U64] = UINT64_MAX};
  uint64_t x = 0;
  int r = get_u64(c, v, f->ranged ? (uint64_t) f->hi : max[f->type], &x);
  if (r < 0)
    return r;
  if (f->ranged && x < (uint64_t) f->lo)
    return perr(c, "value %s out of range", v->u.number.r);
  if (f->type == F_U16)
    *(uint16_t *) dst = (uint16_t) x;
  else if (f->type == F_U32)
    *(uint32_t *) dst = (uint32_t) x;
  else
    *(uint64_t *) dst = x;
  return 0;
}

static int parse_signed(struct pctx *c, const struct field *f, yajl_val v, void *dst)
{
  int64_t lo = f->type == F_I64 ? INT64_MIN : f->type == F_I32 ? INT32_MIN : INT_MIN;
  int64_t hi = f->type == F_I64 ? INT64_MAX : f->type == F_I32 ? INT32_MAX : INT_MAX;
  int64_t x = 0;
  int r = get_i64(c, v, f->ranged ? f->lo : lo, f->ranged ? f->hi : hi, &x);
  if (r < 0)
    return r;
  if (f->type == F_I64)
    *(int64_t *) dst = x;
  else if (f->type == F_I32)
    *(int32_t *) dst = (int32_t) x;
  else
    *(int *) dst = (int) x;
  return 0;
}

/* ---- arrays and maps --------------------------------------------------------- */

static int parse_strv(struct pctx *c, const struct field *f, yajl_val v, char ***out)
{
  if (!YAJL_IS_ARRAY(v))
    return perr(c, "expected an array of strings");
  size_t n = v->u.array.len;
  for (size_t i = 0; i < n; i++)
    if (!YAJL_IS_STRING(v->u.array.values[i]))
      return perr(c, "expected an array of strings");
  for (size_t i = 0; f->values && i < n; i++) {
    if (!in_list(f->values, v->u.array.values[i]->u.string)) {
      path_push_index(c, i);
      return perr_value(c, v->u.array.values[i]->u.string);
    }
  }
  char **sv = xzalloc((n + 1) * sizeof(char *));
  for (size_t i = 0; i < n; i++)
    sv[i] = xstrdup(v->u.array.values[i]->u.string);
  *out = sv;
  return 0;
}

static int parse_u32v(struct pctx *c, yajl_val v, uint32_t **out, size_t *count)
{
  if (!YAJL_IS_ARRAY(v))
    return perr(c, "expected an array");
  _cleanup_free_ uint32_t *a = xzalloc(v->u.array.len * sizeof(uint32_t));
  for (size_t i = 0; i < v->u.array.len; i++) {
    uint64_t x = 0;
    size_t saved = path_push_index(c, i);
    int r = get_u64(c, v->u.array.values[i], UINT32_MAX, &x);
    if (r < 0)
      return r;
    path_pop(c, saved);
    a[i] = (uint32_t) x;
  }
  *count = v->u.array.len;
  *out = TAKE_PTR(a);
  return 0;
}

/* Arrays of objects: the array and its count are stored before the elements
 * are parsed, so that a failure half-way leaves a tree lc_spec_free can free
 * (every element is zeroed first). */
static int parse_objarr(struct pctx *c, const struct field *f, yajl_val v, void *base)
{
  if (!YAJL_IS_ARRAY(v))
    return perr(c, "expected an array");
  size_t n = v->u.array.len, size = f->sub->size;
  char *a = n ? xzalloc(n * size) : NULL;
  *(void **) ((char *) base + f->off) = a;
  *(size_t *) ((char *) base + f->count) = n;
  for (size_t i = 0; i < n; i++) {
    size_t saved = path_push_index(c, i);
    int r = parse_object(c, v->u.array.values[i], f->sub->fields, a + i * size);
    if (r < 0)
      return r;
    path_pop(c, saved);
  }
  return 0;
}

/* {"key": {...}, ...} -> array of structs whose first member is `char *key`. */
static int parse_objmap(struct pctx *c, const struct field *f, yajl_val v, void *base)
{
  if (!YAJL_IS_OBJECT(v))
    return perr(c, "expected an object");
  size_t n = v->u.object.len, size = f->sub->size, count = 0;
  char *a = n ? xzalloc(n * size) : NULL;
  *(void **) ((char *) base + f->off) = a;
  for (size_t i = 0; i < n; i++) {
    const char *key = v->u.object.keys[i];
    bool later = false; /* a duplicated key: the last occurrence wins */
    for (size_t j = i + 1; j < n && !later; j++)
      later = strcmp(v->u.object.keys[j], key) == 0;
    if (later)
      continue;
    char *elem = a + count++ * size;
    *(char **) elem = xstrdup(key);
    *(size_t *) ((char *) base + f->count) = count;
    size_t saved = path_push_mapkey(c, key);
    int r = parse_object(c, v->u.object.values[i], f->sub->fields, elem);
    if (r < 0)
      return r;
    path_pop(c, saved);
  }
  return 0;
}

static int parse_kvmap(struct pctx *c, const struct field *f, yajl_val v, void *base)
{
  if (!YAJL_IS_OBJECT(v))
    return perr(c, "expected an object");
  size_t n = v->u.object.len, count = 0;
  struct lc_kv *kv = n ? xzalloc(n * sizeof(*kv)) : NULL;
  *(struct lc_kv **) ((char *) base + f->off) = kv;
  for (size_t i = 0; i < n; i++) {
    const char *key = v->u.object.keys[i];
    yajl_val val = v->u.object.values[i];
    if (!YAJL_IS_STRING(val)) {
      path_push_mapkey(c, key);
      return perr(c, "expected a string");
    }
    struct lc_kv *slot = NULL;
    for (size_t j = 0; j < count && !slot; j++)
      if (strcmp(kv[j].key, key) == 0)
        slot = &kv[j];
    if (slot) {
      free(slot->value);
    } else {
      slot = &kv[count++];
      slot->key = xstrdup(key);
      *(size_t *) ((char *) base + f->count) = count;
    }
    slot->value = xstrdup(val->u.string);
  }
  return 0;
}

/* ---- the walker ---------------------------------------------------------------- */

static int parse_field(struct pctx *c, const struct field *f, yajl_val v, void *base)
{
  void *dst = (char *) base + f->off;
  switch (f->type) {
  case F_STR:
    return get_string(c, v, f, (char **) dst);
  case F_BOOL:
    return get_bool(c, v, (bool *) dst);
  case F_U16:
  case F_U32:
  case F_U64:
    return parse_unsigned(c, f, v, dst);
  case F_I32:
  case F_I64:
  case F_INT:
    return parse_signed(c, f, v, dst);
  case F_STRV:
    return parse_strv(c, f, v, (char ***) dst);
  case F_U32V:
    return parse_u32v(c, v, (uint32_t **) dst, (size_t *) ((char *) base + f->count));
  case F_OBJ: {
    if (!YAJL_IS_OBJECT(v))
      return perr(c, "expected an object");
    void *sub = xzalloc(f->sub->size);
    *(void **) dst = sub;
    return parse_object(c, v, f->sub->fields, sub);
  }
  case F_EMBED:
    return parse_object(c, v, f->sub->fields, dst);
  case F_OBJARR:
    return parse_objarr(c, f, v, base);
  case F_OBJMAP:
    return parse_objmap(c, f, v, base);
  case F_KVMAP:
    return parse_kvmap(c, f, v, base);
  case F_CUSTOM:
    return f->custom(c, v, dst);
  }
  return perr(c, "internal error: unknown field kind");
}

static int parse_object(struct pctx *c, yajl_val v, const struct field *f, void *base)
{
  if (!YAJL_IS_OBJECT(v))
    return perr(c, "expected an object");
  for (; f->name; f++) {
    yajl_val x = obj_get(v, f->name);
    size_t saved = path_push_key(c, f->name);
    int r = 0;
    if (!x || YAJL_IS_NULL(x)) {
      if (f->required)
        r = perr(c, "missing required field");
    } else {
      r = parse_field(c, f, x, base);
      if (r >= 0 && f->has)
        *(bool *) ((char *) base + f->has - 1) = true;
    }
    if (r < 0)
      return r;
    path_pop(c, saved);
  }
  return 0;
}

/* ---- enums and patterns (defs-linux.json) ------------------------------------ */

/* The schema lists private|shared|slave|unbindable; runc and crun also take
 * the recursive spellings, and engines send them (moby: "rslave"), so do we. */
static const char *const rootfs_propagation_values[] = {
  "private", "shared", "slave", "unbindable", "rprivate", "rshared", "rslave", "runbindable", NULL};
static const char *const seccomp_arches[] = {
  "SCMP_ARCH_X86",         "SCMP_ARCH_X86_64",      "SCMP_ARCH_X32",     "SCMP_ARCH_ARM",
  "SCMP_ARCH_AARCH64",     "SCMP_ARCH_LOONGARCH64", "SCMP_ARCH_M68K",    "SCMP_ARCH_MIPS",
  "SCMP_ARCH_MIPS64",      "SCMP_ARCH_MIPS64N32",   "SCMP_ARCH_MIPSEL",  "SCMP_ARCH_MIPSEL64",
  "SCMP_ARCH_MIPSEL64N32", "SCMP_ARCH_PPC",         "SCMP_ARCH_PPC64",   "SCMP_ARCH_PPC64LE",
  "SCMP_ARCH_S390",        "SCMP_ARCH_S390X",       "SCMP_ARCH_SH",      "SCMP_ARCH_SHEB",
  "SCMP_ARCH_PARISC",      "SCMP_ARCH_PARISC64",    "SCMP_ARCH_RISCV64", NULL};
static const char *const personality_domains[] = {"LINUX", "LINUX32", NULL};
static const char *const mpol_modes[] = {
  "MPOL_DEFAULT",   "MPOL_BIND",           "MPOL_INTERLEAVE", "MPOL_WEIGHTED_INTERLEAVE",
  "MPOL_PREFERRED", "MPOL_PREFERRED_MANY", "MPOL_LOCAL",      NULL};
static const char *const mpol_flags[] = {"MPOL_F_NUMA_BALANCING", "MPOL_F_RELATIVE_NODES",
                                         "MPOL_F_STATIC_NODES", NULL};
static const char *const sched_policies[] = {"SCHED_OTHER",    "SCHED_FIFO", "SCHED_RR",
                                             "SCHED_BATCH",    "SCHED_ISO",  "SCHED_IDLE",
                                             "SCHED_DEADLINE", NULL};
static const char *const sched_flags[] = {"SCHED_FLAG_RESET_ON_FORK",  "SCHED_FLAG_RECLAIM",
                                          "SCHED_FLAG_DL_OVERRUN",     "SCHED_FLAG_KEEP_POLICY",
                                          "SCHED_FLAG_KEEP_PARAMS",    "SCHED_FLAG_UTIL_CLAMP_MIN",
                                          "SCHED_FLAG_UTIL_CLAMP_MAX", NULL};
static const char *const ioprio_classes[] = {"IOPRIO_CLASS_RT", "IOPRIO_CLASS_BE",
                                             "IOPRIO_CLASS_IDLE", NULL};

/* "^[1-9][0-9]*[KMG]B$" (hugepageLimits[].pageSize) */
static bool pattern_page_size(const char *s)
{
  if (*s < '1' || *s > '9')
    return false;
  s += strspn(s, "0123456789");
  return (s[0] == 'K' || s[0] == 'M' || s[0] == 'G') && s[1] == 'B' && s[2] == '\0';
}

/* "^RLIMIT_[A-Z]+$" */
static bool pattern_rlimit(const char *s)
{
  if (strncmp(s, "RLIMIT_", 7) != 0 || !s[7])
    return false;
  return strspn(s + 7, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") == strlen(s + 7);
}

/* "^[0-9, -]*$" (execCPUAffinity) */
static bool pattern_cpu_list(const char *s)
{
  return strspn(s, "0123456789, -") == strlen(s);
}

/* "^MB:[^\n]*$" (intelRdt.memBwSchema) */
static bool pattern_mem_bw(const char *s)
{
  return strncmp(s, "MB:", 3) == 0 && !strchr(s, '\n');
}

static int custom_ns_type(struct pctx *c, yajl_val v, void *dst)
{
  if (!YAJL_IS_STRING(v))
    return perr(c, "expected a string");
  int t = lc_ns_type_from_name(v->u.string);
  if (t < 0)
    return perr_value(c, v->u.string);
  *(enum lc_ns_type *) dst = (enum lc_ns_type) t;
  return 0;
}

/* FileType "^[cbup]$" */
static int custom_device_type(struct pctx *c, yajl_val v, void *dst)
{
  if (!YAJL_IS_STRING(v))
    return perr(c, "expected a string");
  const char *s = v->u.string;
  if (!s[0] || s[1] || !strchr("cbup", s[0]))
    return perr_value(c, s);
  *(char *) dst = s[0];
  return 0;
}

/* ociVersion: MAJOR.MINOR.PATCH with an optional -prerelease/+build suffix;
 * we implement 1.3.0 and read every document written for 1.0.0 or later. */
static int custom_oci_version(struct pctx *c, yajl_val v, void *dst)
{
  if (!YAJL_IS_STRING(v))
    return perr(c, "expected a string");
  const char *s = v->u.string;
  unsigned major, minor, patch;
  int n = -1;
  bool ok = sscanf(s, "%u.%u.%u%n", &major, &minor, &patch, &n) == 3 && n > 0
            && strspn(s, "0123456789.") == (size_t) n
            && (s[n] == '\0' || s[n] == '-' || s[n] == '+') && major == 1 && minor <= 3;
  if (!ok) {
    struct pctx tmp = {0};
    append_escaped(&tmp, s);
    int r =
      perr(c, "unsupported version \"%s\" (supported: 1.0.0 to 1.3.x)", tmp.path ? tmp.path : "");
    free(tmp.path);
    return r;
  }
  *(char **) dst = xstrdup(s);
  return 0;
}

/* seccomp syscalls[].names: an array of strings with minItems 1. */
static int custom_syscall_names(struct pctx *c, yajl_val v, void *dst)
{
  static const struct field any = {.name = "names", .type = F_STRV};
  int r = parse_strv(c, &any, v, (char ***) dst);
  if (r >= 0 && v->u.array.len == 0)
    return perr(c, "must not be empty");
  return r;
}

/* ---- tables: process -------------------------------------------------------- */

#define S struct lc_user
static const struct field user_fields[] = {
  F("uid", F_U32, uid, REQ),
  F("gid", F_U32, gid, REQ),
  F("umask", F_U32, umask, HAS(has_umask)),
  F("additionalGids", F_U32V, additional_gids, CNT(n_additional_gids)),
  F("username", F_STR, username),
  {0}};
#undef S
OBJECT(user_obj, struct lc_user, user_fields);

#define S struct lc_capabilities
static const struct field caps_fields[] = {
  F("bounding", F_STRV, bounding, HAS(has_bounding)),
  F("effective", F_STRV, effective, HAS(has_effective)),
  F("inheritable", F_STRV, inheritable, HAS(has_inheritable)),
  F("permitted", F_STRV, permitted, HAS(has_permitted)),
  F("ambient", F_STRV, ambient, HAS(has_ambient)),
  {0}};
#undef S
OBJECT(caps_obj, struct lc_capabilities, caps_fields);

#define S struct lc_rlimit
static const struct field rlimit_fields[] = {F("type", F_STR, type, REQ, .pattern = pattern_rlimit),
                                             F("soft", F_U64, soft, REQ),
                                             F("hard", F_U64, hard, REQ),
                                             {0}};
#undef S
OBJECT(rlimit_obj, struct lc_rlimit, rlimit_fields);

#define S struct lc_scheduler
static const struct field sched_fields[] = {F("policy", F_STR, policy, REQ, ENUM(sched_policies)),
                                            F("nice", F_I32, nice, HAS(has_nice)),
                                            F("priority", F_I32, priority, HAS(has_priority)),
                                            F("flags", F_STRV, flags, ENUM(sched_flags)),
                                            F("runtime", F_U64, runtime, HAS(has_runtime)),
                                            F("deadline", F_U64, deadline, HAS(has_deadline)),
                                            F("period", F_U64, period, HAS(has_period)),
                                            {0}};
#undef S
OBJECT(sched_obj, struct lc_scheduler, sched_fields);

#define S struct lc_io_priority
static const struct field ioprio_fields[] = {
  F("class", F_STR, class_, REQ, ENUM(ioprio_classes)), F("priority", F_I32, priority), {0}};
#undef S
OBJECT(ioprio_obj, struct lc_io_priority, ioprio_fields);

#define S struct lc_process
static const struct field console_fields[] = {
  F("height", F_U64, console_height, REQ), F("width", F_U64, console_width, REQ), {0}};
static const struct field affinity_fields[] = {
  F("initial", F_STR, exec_cpu_affinity_initial, .pattern = pattern_cpu_list),
  F("final", F_STR, exec_cpu_affinity_final, .pattern = pattern_cpu_list),
  {0}};
#undef S
/* consoleSize and execCPUAffinity are flattened into struct lc_process. */
OBJECT(console_obj, struct lc_process, console_fields);
OBJECT(affinity_obj, struct lc_process, affinity_fields);

#define S struct lc_process
static const struct field process_fields[] = {
  F("terminal", F_BOOL, terminal),
  {.name = "consoleSize",
   .type = F_EMBED,
   .off = 0,
   SUB(console_obj),
   .has = offsetof(struct lc_process, has_console_size) + 1},
  F("user", F_EMBED, user, SUB(user_obj)),
  F("args", F_STRV, args),
  F("commandLine", F_STR, command_line),
  F("env", F_STRV, env),
  F("cwd", F_STR, cwd, REQ),
  F("capabilities", F_OBJ, capabilities, SUB(caps_obj)),
  F("rlimits", F_OBJARR, rlimits, CNT(n_rlimits), SUB(rlimit_obj)),
  F("noNewPrivileges", F_BOOL, no_new_privileges),
  F("apparmorProfile", F_STR, apparmor_profile),
  F("oomScoreAdj", F_INT, oom_score_adj, HAS(has_oom_score_adj)),
  F("scheduler", F_OBJ, scheduler, SUB(sched_obj)),
  F("selinuxLabel", F_STR, selinux_label),
  F("ioPriority", F_OBJ, io_priority, SUB(ioprio_obj)),
  {.name = "execCPUAffinity", .type = F_EMBED, .off = 0, SUB(affinity_obj)},
  {0}};
#undef S
OBJECT(process_obj, struct lc_process, process_fields);

/* ---- tables: root, mounts, hooks ----------------------------------------------- */

#define S struct lc_root
static const struct field root_fields[] = {
  F("path", F_STR, path, REQ), F("readonly", F_BOOL, readonly), {0}};
#undef S
OBJECT(root_obj, struct lc_root, root_fields);

#define S struct lc_id_mapping
static const struct field idmap_fields[] = {F("containerID", F_U32, container_id, REQ),
                                            F("hostID", F_U32, host_id, REQ),
                                            F("size", F_U32, size, REQ),
                                            {0}};
#undef S
OBJECT(idmap_obj, struct lc_id_mapping, idmap_fields);

#define S struct lc_mount
static const struct field mount_fields[] = {
  F("destination", F_STR, destination, REQ),
  F("type", F_STR, type),
  F("source", F_STR, source),
  F("options", F_STRV, options),
  F("uidMappings", F_OBJARR, uid_mappings, CNT(n_uid_mappings), SUB(idmap_obj)),
  F("gidMappings", F_OBJARR, gid_mappings, CNT(n_gid_mappings), SUB(idmap_obj)),
  {0}};
#undef S
OBJECT(mount_obj, struct lc_mount, mount_fields);

#define S struct lc_hook
static const struct field hook_fields[] = {
  F("path", F_STR, path, REQ),
  F("args", F_STRV, args),
  F("env", F_STRV, env),
  F("timeout", F_INT, timeout, HAS(has_timeout), RANGE(1, INT_MAX)),
  {0}};
#undef S
OBJECT(hook_obj, struct lc_hook, hook_fields);

#define S struct lc_hooks
#define HOOKS(key, m) F(key, F_OBJARR, m.v, .count = offsetof(S, m.n), SUB(hook_obj))
static const struct field hooks_fields[] = {HOOKS("prestart", prestart),
                                            HOOKS("createRuntime", create_runtime),
                                            HOOKS("createContainer", create_container),
                                            HOOKS("startContainer", start_container),
                                            HOOKS("poststart", poststart),
                                            HOOKS("poststop", poststop),
                                            {0}};
#undef HOOKS
#undef S
OBJECT(hooks_obj, struct lc_hooks, hooks_fields);

/* ---- tables: linux.resources (also the `update --resources` document) ---------- */

#define S struct lc_device_cgroup
static const struct field devcg_fields[] = {F("allow", F_BOOL, allow, REQ),
                                            F("type", F_STR, type),
                                            F("major", F_I64, major, HAS(has_major)),
                                            F("minor", F_I64, minor, HAS(has_minor)),
                                            F("access", F_STR, access),
                                            {0}};
#undef S
OBJECT(devcg_obj, struct lc_device_cgroup, devcg_fields);

#define S struct lc_memory
static const struct field memory_fields[] = {
  F("limit", F_I64, limit, HAS(has_limit)),
  F("reservation", F_I64, reservation, HAS(has_reservation)),
  F("swap", F_I64, swap, HAS(has_swap)),
  F("kernel", F_I64, kernel, HAS(has_kernel)),
  F("kernelTCP", F_I64, kernel_tcp, HAS(has_kernel_tcp)),
  F("swappiness", F_U64, swappiness, HAS(has_swappiness)),
  F("disableOOMKiller", F_BOOL, disable_oom_killer, HAS(has_disable_oom_killer)),
  F("useHierarchy", F_BOOL, use_hierarchy, HAS(has_use_hierarchy)),
  F("checkBeforeUpdate", F_BOOL, check_before_update, HAS(has_check_before_update)),
  {0}};
#undef S
OBJECT(memory_obj, struct lc_memory, memory_fields);

#define S struct lc_cpu
static const struct field cpu_fields[] = {
  F("shares", F_U64, shares, HAS(has_shares)),
  F("quota", F_I64, quota, HAS(has_quota)),
  F("burst", F_U64, burst, HAS(has_burst)),
  F("period", F_U64, period, HAS(has_period)),
  F("realtimeRuntime", F_I64, realtime_runtime, HAS(has_realtime_runtime)),
  F("realtimePeriod", F_U64, realtime_period, HAS(has_realtime_period)),
  F("cpus", F_STR, cpus),
  F("mems", F_STR, mems),
  F("idle", F_I64, idle, HAS(has_idle)),
  {0}};
#undef S
OBJECT(cpu_obj, struct lc_cpu, cpu_fields);

#define S struct lc_blkio_weight_device
static const struct field weight_dev_fields[] = {
  F("major", F_I64, major, REQ),
  F("minor", F_I64, minor, REQ),
  F("weight", F_U16, weight, HAS(has_weight)),
  F("leafWeight", F_U16, leaf_weight, HAS(has_leaf_weight)),
  {0}};
#undef S
OBJECT(weight_dev_obj, struct lc_blkio_weight_device, weight_dev_fields);

#define S struct lc_blkio_throttle
static const struct field throttle_fields[] = {
  F("major", F_I64, major, REQ), F("minor", F_I64, minor, REQ), F("rate", F_U64, rate), {0}};
#undef S
OBJECT(throttle_obj, struct lc_blkio_throttle, throttle_fields);

#define S struct lc_blkio
#define THROTTLE(key, m) F(key, F_OBJARR, m.v, .count = offsetof(S, m.n), SUB(throttle_obj))
static const struct field blkio_fields[] = {
  F("weight", F_U16, weight, HAS(has_weight)),
  F("leafWeight", F_U16, leaf_weight, HAS(has_leaf_weight)),
  F("weightDevice", F_OBJARR, weight_device, CNT(n_weight_device), SUB(weight_dev_obj)),
  THROTTLE("throttleReadBpsDevice", read_bps),
  THROTTLE("throttleWriteBpsDevice", write_bps),
  THROTTLE("throttleReadIOPSDevice", read_iops),
  THROTTLE("throttleWriteIOPSDevice", write_iops),
  {0}};
#undef THROTTLE
#undef S
OBJECT(blkio_obj, struct lc_blkio, blkio_fields);

#define S struct lc_hugepage_limit
static const struct field hugepage_fields[] = {
  F("pageSize", F_STR, page_size, REQ, .pattern = pattern_page_size),
  F("limit", F_U64, limit, REQ),
  {0}};
#undef S
OBJECT(hugepage_obj, struct lc_hugepage_limit, hugepage_fields);

#define S struct lc_net_priority
static const struct field netprio_fields[] = {
  F("name", F_STR, name, REQ), F("priority", F_U32, priority, REQ), {0}};
#undef S
OBJECT(netprio_obj, struct lc_net_priority, netprio_fields);

#define S struct lc_network
static const struct field network_fields[] = {
  F("classID", F_U32, class_id, HAS(has_class_id)),
  F("priorities", F_OBJARR, priorities, CNT(n_priorities), SUB(netprio_obj)),
  {0}};
#undef S
OBJECT(network_obj, struct lc_network, network_fields);

#define S struct lc_rdma
static const struct field rdma_fields[] = {
  F("hcaHandles", F_U32, hca_handles, HAS(has_hca_handles)),
  F("hcaObjects", F_U32, hca_objects, HAS(has_hca_objects)),
  {0}};
#undef S
OBJECT(rdma_obj, struct lc_rdma, rdma_fields);
_Static_assert(offsetof(struct lc_rdma, device) == 0, "F_OBJMAP key must come first");

#define S struct lc_resources
static const struct field pids_fields[] = {F("limit", F_I64, pids_limit, REQ), {0}};
OBJECT(pids_obj, struct lc_resources, pids_fields);
static const struct field resources_fields[] = {
  F("devices", F_OBJARR, devices, CNT(n_devices), SUB(devcg_obj)),
  F("memory", F_OBJ, memory, SUB(memory_obj)),
  F("cpu", F_OBJ, cpu, SUB(cpu_obj)),
  {.name = "pids", .type = F_EMBED, .off = 0, SUB(pids_obj), HAS(has_pids_limit)},
  F("blockIO", F_OBJ, block_io, SUB(blkio_obj)),
  F("hugepageLimits", F_OBJARR, hugepage_limits, CNT(n_hugepage_limits), SUB(hugepage_obj)),
  F("network", F_OBJ, network, SUB(network_obj)),
  F("rdma", F_OBJMAP, rdma, CNT(n_rdma), SUB(rdma_obj)),
  F("unified", F_KVMAP, unified, CNT(n_unified)),
  {0}};
#undef S
OBJECT(resources_obj, struct lc_resources, resources_fields);

/* ---- tables: linux ---------------------------------------------------------------- */

#define S struct lc_namespace
static const struct field ns_fields[] = {
  F("type", F_CUSTOM, type, REQ, .custom = custom_ns_type), F("path", F_STR, path), {0}};
#undef S
OBJECT(ns_obj, struct lc_namespace, ns_fields);

#define S struct lc_device
static const struct field device_fields[] = {
  F("type", F_CUSTOM, type, REQ, .custom = custom_device_type),
  F("path", F_STR, path, REQ),
  F("fileMode", F_U32, file_mode, HAS(has_file_mode), RANGE(0, 0777)),
  F("major", F_I64, major, HAS(has_major)),
  F("minor", F_I64, minor, HAS(has_minor)),
  F("uid", F_U32, uid, HAS(has_uid)),
  F("gid", F_U32, gid, HAS(has_gid)),
  {0}};
#undef S
OBJECT(device_obj, struct lc_device, device_fields);

#define S struct lc_net_device
static const struct field netdev_fields[] = {F("name", F_STR, name), {0}};
#undef S
OBJECT(netdev_obj, struct lc_net_device, netdev_fields);
_Static_assert(offsetof(struct lc_net_device, host_name) == 0, "F_OBJMAP key must come first");

#define S struct lc_time_offset
static const struct field time_offset_fields[] = {
  F("secs", F_I64, secs), F("nanosecs", F_U32, nanosecs), {0}};
#undef S
OBJECT(time_offset_obj, struct lc_time_offset, time_offset_fields);

#define S struct lc_linux
static const struct field time_offsets_fields[] = {
  F("boottime", F_EMBED, time_boottime, SUB(time_offset_obj), HAS(time_boottime.present)),
  F("monotonic", F_EMBED, time_monotonic, SUB(time_offset_obj), HAS(time_monotonic.present)),
  {0}};
#undef S
OBJECT(time_offsets_obj, struct lc_linux, time_offsets_fields);

#define S struct lc_seccomp_arg
static const struct field sc_arg_fields[] = {
  F("index", F_U32, index, REQ),
  F("value", F_U64, value, REQ),
  F("valueTwo", F_U64, value_two, HAS(has_value_two)),
  F("op", F_STR, op, REQ, ENUM(lc_seccomp_operator_names)),
  {0}};
#undef S
OBJECT(sc_arg_obj, struct lc_seccomp_arg, sc_arg_fields);

#define S struct lc_seccomp_syscall
static const struct field sc_syscall_fields[] = {
  F("names", F_CUSTOM, names, REQ, .custom = custom_syscall_names),
  F("action", F_STR, action, REQ, ENUM(lc_seccomp_action_names)),
  F("errnoRet", F_U32, errno_ret, HAS(has_errno_ret)),
  F("args", F_OBJARR, args, CNT(n_args), SUB(sc_arg_obj)),
  {0}};
#undef S
OBJECT(sc_syscall_obj, struct lc_seccomp_syscall, sc_syscall_fields);

#define S struct lc_seccomp
static const struct field seccomp_fields[] = {
  F("defaultAction", F_STR, default_action, REQ, ENUM(lc_seccomp_action_names)),
  F("defaultErrnoRet", F_U32, default_errno_ret, HAS(has_default_errno_ret)),
  F("architectures", F_STRV, architectures, ENUM(seccomp_arches)),
  F("flags", F_STRV, flags, ENUM(lc_seccomp_flag_names)),
  F("listenerPath", F_STR, listener_path),
  F("listenerMetadata", F_STR, listener_metadata),
  F("syscalls", F_OBJARR, syscalls, CNT(n_syscalls), SUB(sc_syscall_obj)),
  {0}};
#undef S
OBJECT(seccomp_obj, struct lc_seccomp, seccomp_fields);

#define S struct lc_intel_rdt
static const struct field rdt_fields[] = {
  F("closID", F_STR, clos_id),
  F("schemata", F_STRV, schemata),
  F("l3CacheSchema", F_STR, l3_cache_schema),
  F("memBwSchema", F_STR, mem_bw_schema, .pattern = pattern_mem_bw),
  F("enableMonitoring", F_BOOL, enable_monitoring),
  {0}};
#undef S
OBJECT(rdt_obj, struct lc_intel_rdt, rdt_fields);

#define S struct lc_memory_policy
static const struct field mpol_fields[] = {F("mode", F_STR, mode, ENUM(mpol_modes)),
                                           F("nodes", F_STR, nodes),
                                           F("flags", F_STRV, flags, ENUM(mpol_flags)),
                                           {0}};
#undef S
OBJECT(mpol_obj, struct lc_memory_policy, mpol_fields);

#define S struct lc_personality
static const struct field personality_fields[] = {
  F("domain", F_STR, domain, ENUM(personality_domains)), F("flags", F_STRV, flags), {0}};
#undef S
OBJECT(personality_obj, struct lc_personality, personality_fields);

#define S struct lc_linux
static const struct field linux_fields[] = {
  F("namespaces", F_OBJARR, namespaces, CNT(n_namespaces), SUB(ns_obj)),
  F("uidMappings", F_OBJARR, uid_mappings, CNT(n_uid_mappings), SUB(idmap_obj)),
  F("gidMappings", F_OBJARR, gid_mappings, CNT(n_gid_mappings), SUB(idmap_obj)),
  {.name = "timeOffsets", .type = F_EMBED, .off = 0, SUB(time_offsets_obj)},
  F("devices", F_OBJARR, devices, CNT(n_devices), SUB(device_obj)),
  F("netDevices", F_OBJMAP, net_devices, CNT(n_net_devices), SUB(netdev_obj)),
  F("cgroupsPath", F_STR, cgroups_path),
  F("resources", F_OBJ, resources, SUB(resources_obj)),
  F("rootfsPropagation", F_STR, rootfs_propagation, ENUM(rootfs_propagation_values)),
  F("seccomp", F_OBJ, seccomp, SUB(seccomp_obj)),
  F("sysctl", F_KVMAP, sysctl, CNT(n_sysctl)),
  F("maskedPaths", F_STRV, masked_paths, HAS(has_masked_paths)),
  F("readonlyPaths", F_STRV, readonly_paths, HAS(has_readonly_paths)),
  F("mountLabel", F_STR, mount_label),
  F("intelRdt", F_OBJ, intel_rdt, SUB(rdt_obj)),
  F("memoryPolicy", F_OBJ, memory_policy, SUB(mpol_obj)),
  F("personality", F_OBJ, personality, SUB(personality_obj)),
  {0}};
#undef S
OBJECT(linux_obj, struct lc_linux, linux_fields);

/* ---- tables: the document ------------------------------------------------------------ */

#define S struct lc_spec
static const struct field spec_fields[] = {
  F("ociVersion", F_CUSTOM, oci_version, REQ, .custom = custom_oci_version),
  F("process", F_OBJ, process, SUB(process_obj)),
  F("root", F_OBJ, root, SUB(root_obj)),
  F("hostname", F_STR, hostname),
  F("domainname", F_STR, domainname),
  F("mounts", F_OBJARR, mounts, CNT(n_mounts), SUB(mount_obj)),
  F("hooks", F_EMBED, hooks, SUB(hooks_obj)),
  F("annotations", F_KVMAP, annotations, CNT(n_annotations)),
  F("linux", F_OBJ, linux_, SUB(linux_obj)),
  {0}};
#undef S

/* ---- reading the text ------------------------------------------------------------------ */

/* Refuse what the tree API would get wrong (see the header comment); also
 * tells an empty document apart.  Mirrors yajl's lexer for strings and
 * comments (yajl_tree_parse allows comments). */
static int prescan(const char *s, size_t len, lc_error_t *err)
{
  size_t depth = 0;
  bool content = false;
  if (memchr(s, '\0', len))
    return lc_error_set(err, EINVAL, "invalid JSON: NUL byte in the document");
  for (size_t i = 0; i < len; i++) {
    char ch = s[i];
    if (ch == '/' && i + 1 < len && (s[i + 1] == '*' || s[i + 1] == '/')) {
      const char *end =
        s[i + 1] == '*' ? memmem(s + i + 2, len - i - 2, "*/", 2) : memchr(s + i, '\n', len - i);
      i = end ? (size_t) (end - s) + (s[i + 1] == '*') : len;
      continue;
    }
    if (ch != ' ' && ch != '\t' && ch != '\n' && ch != '\r')
      content = true;
    if (ch == '[' || ch == '{') {
      if (++depth > LC_JSON_MAX_DEPTH)
        return lc_error_set(err, EINVAL, "invalid JSON: nested deeper than %d levels",
                            LC_JSON_MAX_DEPTH);
    } else if ((ch == ']' || ch == '}') && depth > 0) {
      depth--;
    } else if (ch == '"') {
      for (i++; i < len && s[i] != '"'; i++) {
        if (s[i] != '\\' || ++i >= len)
          continue;
        if (s[i] == 'u' && len - i > 4 && memcmp(s + i + 1, "0000", 4) == 0)
          return lc_error_set(err, EINVAL, "invalid JSON: \\u0000 in a string");
      }
    }
  }
  if (!content)
    return lc_error_set(err, EINVAL, "(root): expected an object");
  return 0;
}

/* Parse the text into a yajl tree; yajl's multi-line message is cut to its
 * first line ("parse error: premature EOF"). */
static int tree_parse(const char *json, size_t len, yajl_val *out, lc_error_t *err)
{
  int r = prescan(json, len, err);
  if (r < 0)
    return r;
  _cleanup_free_ char *text = xstrndup(json, len);
  char ebuf[1024] = "";
  yajl_val tree = yajl_tree_parse(text, ebuf, sizeof(ebuf));
  if (!tree) {
    ebuf[strcspn(ebuf, "\r\n")] = '\0';
    size_t n = strlen(ebuf);
    while (n > 0 && (ebuf[n - 1] == ' ' || ebuf[n - 1] == '\t'))
      ebuf[--n] = '\0';
    return lc_error_set(err, EINVAL, "invalid JSON: %s", n ? ebuf : "parse error");
  }
  if (!YAJL_IS_OBJECT(tree)) {
    yajl_tree_free(tree);
    return lc_error_set(err, EINVAL, "(root): expected an object");
  }
  *out = tree;
  return 0;
}

int lc_spec_parse(const char *json, size_t len, struct lc_spec **out, lc_error_t *err)
{
  yajl_val tree = NULL;
  int r = tree_parse(json, len, &tree, err);
  if (r < 0)
    return r;
  struct pctx c = {.err = err};
  struct lc_spec *spec = xzalloc(sizeof(*spec));
  r = parse_object(&c, tree, spec_fields, spec);
  free(c.path);
  yajl_tree_free(tree);
  if (r < 0) {
    lc_spec_free(spec);
    return r;
  }
  *out = spec;
  return 0;
}

/* Parse a document whose top level is one object of the model (the
 * `update --resources` and `exec --process` bodies). */
static int parse_part(const char *json, size_t len, const struct field *fields, void *obj,
                      lc_error_t *err)
{
  yajl_val tree = NULL;
  int r = tree_parse(json, len, &tree, err);
  if (r < 0)
    return r;
  struct pctx c = {.err = err};
  r = parse_object(&c, tree, fields, obj);
  free(c.path);
  yajl_tree_free(tree);
  return r;
}

int lc_resources_parse(const char *json, size_t len, struct lc_resources **out, lc_error_t *err)
{
  struct lc_resources *res = xzalloc(sizeof(*res));
  int r = parse_part(json, len, resources_fields, res, err);
  if (r < 0) {
    lc_resources_free(res);
    return r;
  }
  *out = res;
  return 0;
}

int lc_process_parse(const char *json, size_t len, struct lc_process **out, lc_error_t *err)
{
  struct lc_process *p = xzalloc(sizeof(*p));
  int r = parse_part(json, len, process_fields, p, err);
  if (r < 0) {
    lc_process_free(p);
    return r;
  }
  *out = p;
  return 0;
}

int lc_spec_load(const char *bundle, struct lc_spec **out, lc_error_t *err)
{
  _cleanup_free_ char *path = xasprintf("%s/config.json", bundle && *bundle ? bundle : ".");
  _cleanup_free_ char *text = NULL;
  size_t len = 0;
  int r = lc_read_file_at(AT_FDCWD, path, &text, &len, err);
  if (r >= 0)
    r = lc_spec_parse(text, len, out, err);
  if (r < 0)
    return lc_error_prefix(err, "config.json");
  return 0;
}

/* ---- lookups ------------------------------------------------------------------------------ */

static const char *const ns_names[LC_NS__COUNT] = {
  [LC_NS_PID] = "pid",       [LC_NS_NETWORK] = "network", [LC_NS_MOUNT] = "mount",
  [LC_NS_IPC] = "ipc",       [LC_NS_UTS] = "uts",         [LC_NS_USER] = "user",
  [LC_NS_CGROUP] = "cgroup", [LC_NS_TIME] = "time",
};

int lc_ns_type_from_name(const char *name)
{
  for (int i = 0; i < LC_NS__COUNT; i++)
    if (name && strcmp(ns_names[i], name) == 0)
      return i;
  return -1;
}

const char *lc_ns_type_name(enum lc_ns_type t)
{
  return (unsigned) t < LC_NS__COUNT ? ns_names[t] : NULL;
}

const struct lc_namespace *lc_spec_namespace(const struct lc_spec *spec, enum lc_ns_type t)
{
  if (!spec || !spec->linux_)
    return NULL;
  for (size_t i = 0; i < spec->linux_->n_namespaces; i++)
    if (spec->linux_->namespaces[i].type == t)
      return &spec->linux_->namespaces[i];
  return NULL;
}

const char *lc_spec_annotation(const struct lc_spec *spec, const char *key)
{
  if (!spec || !key)
    return NULL;
  for (size_t i = 0; i < spec->n_annotations; i++)
    if (strcmp(spec->annotations[i].key, key) == 0)
      return spec->annotations[i].value;
  return NULL;
}
