/* powerloss_shim: LD_PRELOAD library that simulates a power cut for the power-loss campaign.
 *
 * SIGKILL keeps the OS page cache, so it proves nothing about fsync. Under this shim the
 * "disk" is a shadow directory that only changes when the process makes data durable:
 *
 *   fsync / fdatasync of a file under GW_POWERLOSS_DIR   the file's whole content is copied to
 *                                                        the same path under GW_POWERLOSS_SHADOW
 *   rename / renameat / renameat2, unlink / unlinkat     remembered per directory, applied to the
 *     of a path under GW_POWERLOSS_DIR                   shadow when that directory is fsynced
 *   fsync / fdatasync of a directory under it            applies them
 *   write, pwrite, writev, pwritev, sync_file_range,     not intercepted: page cache only, lost
 *     fallocate, ftruncate                               at the cut unless a later fsync covers them
 *
 * (strace -f -c of a 2-kill crash_campaign, gatewayd and registryd with RocksDB: write and
 * writev, fdatasync, fsync, sync_file_range, rename, unlink and unlinkat, fallocate, ftruncate;
 * no pwrite64, pwritev, syncfs, msync.)
 *
 * SIGUSR2 cuts the power: every fsync in flight is let finish (the shadow stays consistent), no
 * later one runs, and the process SIGKILLs itself. The driver then replaces GW_POWERLOSS_DIR by
 * the shadow: the files exactly as they were last made durable. The driver copies the state
 * directory to the shadow before each start. Without GW_POWERLOSS_DIR the shim does nothing.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

static char g_dir[PATH_MAX];     /* tracked directory (absolute, no trailing slash) */
static char g_shadow[PATH_MAX];  /* its durable image */
static size_t g_dir_len;
static pthread_mutex_t g_lock = PTHREAD_MUTEX_INITIALIZER;
static int g_cut_pipe[2] = {-1, -1};

/* Metadata operations not yet durable: applied to the shadow when their directory is fsynced. */
struct pending {
    struct pending* next;
    int is_rename;
    char from[PATH_MAX]; /* relative to g_dir */
    char to[PATH_MAX];
};
static struct pending* g_pending;

static int (*real_fsync)(int);
static int (*real_fdatasync)(int);
static int (*real_rename)(const char*, const char*);
static int (*real_renameat)(int, const char*, int, const char*);
static int (*real_renameat2)(int, const char*, int, const char*, unsigned);
static int (*real_unlink)(const char*);
static int (*real_unlinkat)(int, const char*, int);

static void die(const char* what) {
    fprintf(stderr, "powerloss_shim: %s: %s\n", what, strerror(errno));
    abort();
}

/* The path relative to g_dir of an absolute path under it, or NULL. */
static const char* relative(const char* abs) {
    if (!g_dir_len || strncmp(abs, g_dir, g_dir_len) != 0) return NULL;
    if (abs[g_dir_len] == '\0') return "";
    if (abs[g_dir_len] != '/') return NULL;
    return abs + g_dir_len + 1;
}

/* Absolute path of `path` taken relative to `dirfd` (AT_FDCWD or a directory). */
static int absolute_at(int dirfd, const char* path, char* out) {
    char base[PATH_MAX];
    if (path[0] == '/') {
        snprintf(out, PATH_MAX, "%s", path);
        return 0;
    }
    if (dirfd == AT_FDCWD) {
        if (!getcwd(base, sizeof base)) return -1;
    } else {
        char link[64];
        snprintf(link, sizeof link, "/proc/self/fd/%d", dirfd);
        const ssize_t n = readlink(link, base, sizeof base - 1);
        if (n < 0) return -1;
        base[n] = '\0';
    }
    /* A path too long to track is refused rather than tracked under a cut-off name. */
    return snprintf(out, PATH_MAX, "%s/%s", base, path) < PATH_MAX ? 0 : -1;
}

static void shadow_path(const char* rel, char* out) {
    if (snprintf(out, PATH_MAX, "%s/%s", g_shadow, rel) >= PATH_MAX) {
        errno = ENAMETOOLONG;
        die(rel);
    }
}

static void make_parents(const char* path) {
    char tmp[PATH_MAX];
    snprintf(tmp, sizeof tmp, "%s", path);
    for (char* p = tmp + 1; *p; ++p)
        if (*p == '/') {
            *p = '\0';
            mkdir(tmp, 0700);
            *p = '/';
        }
}

/* Copies the open file's whole content to the shadow (its path as it is now). */
static void copy_to_shadow(int fd, const char* rel) {
    char dst[PATH_MAX], tmp[PATH_MAX + 16];
    shadow_path(rel, dst);
    make_parents(dst);
    snprintf(tmp, sizeof tmp, "%s.plshim", dst);
    const int out = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (out < 0) die(tmp);
    /* RocksDB's files are write-only: read the same inode through /proc (works after a rename). */
    char link[64];
    snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
    const int in = open(link, O_RDONLY | O_CLOEXEC);
    if (in < 0) die(link);
    char buf[1 << 16];
    off_t at = 0;
    for (;;) {
        const ssize_t n = pread(in, buf, sizeof buf, at);
        if (n < 0) die("pread");
        if (n == 0) break;
        for (ssize_t done = 0; done < n;) {
            const ssize_t w = write(out, buf + done, (size_t)(n - done));
            if (w < 0) die("write shadow");
            done += w;
        }
        at += n;
    }
    close(in);
    close(out);
    if (real_rename(tmp, dst) != 0) die("rename shadow");
}

static void apply_pending(const char* dir_rel) {
    /* Oldest first: the list is newest first, so reverse it. */
    struct pending *reversed = NULL, *keep = NULL;
    while (g_pending) {
        struct pending* p = g_pending;
        g_pending = p->next;
        p->next = reversed;
        reversed = p;
    }
    const size_t len = strlen(dir_rel);
    while (reversed) {
        struct pending* p = reversed;
        reversed = p->next;
        const char* slash = strrchr(p->from, '/');
        const size_t parent = slash ? (size_t)(slash - p->from) : 0;
        if (parent == len && strncmp(p->from, dir_rel, len) == 0) {
            char a[PATH_MAX], b[PATH_MAX];
            shadow_path(p->from, a);
            if (p->is_rename) {
                shadow_path(p->to, b);
                make_parents(b);
                real_rename(a, b); /* a file never synced has no shadow: nothing to move */
            } else {
                real_unlink(a);
            }
            free(p);
        } else {
            p->next = keep;
            keep = p;
        }
    }
    /* keep is oldest first now; the list is kept newest first. */
    while (keep) {
        struct pending* p = keep;
        keep = p->next;
        p->next = g_pending;
        g_pending = p;
    }
}

static void remember(int is_rename, const char* from_abs, const char* to_abs) {
    const char* from = relative(from_abs);
    if (!from) return;
    struct pending* p = calloc(1, sizeof *p);
    if (!p) die("calloc");
    p->is_rename = is_rename;
    snprintf(p->from, PATH_MAX, "%s", from);
    if (is_rename) {
        const char* to = relative(to_abs);
        snprintf(p->to, PATH_MAX, "%s", to ? to : "");
        if (!to) p->is_rename = 0; /* moved out of the tracked tree: gone from it */
    }
    p->next = g_pending;
    g_pending = p;
}

static void synced(int fd) {
    if (!g_dir_len) return;
    char link[64], path[PATH_MAX];
    snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
    const ssize_t n = readlink(link, path, sizeof path - 1);
    if (n < 0) return;
    path[n] = '\0';
    const char* rel = relative(path);
    if (!rel) return;
    struct stat st;
    if (fstat(fd, &st) != 0) return;
    if (S_ISDIR(st.st_mode)) apply_pending(rel);
    else if (S_ISREG(st.st_mode)) copy_to_shadow(fd, rel);
}

int fsync(int fd) {
    pthread_mutex_lock(&g_lock);
    const int r = real_fsync(fd);
    if (r == 0) synced(fd);
    pthread_mutex_unlock(&g_lock);
    return r;
}

int fdatasync(int fd) {
    pthread_mutex_lock(&g_lock);
    const int r = real_fdatasync(fd);
    if (r == 0) synced(fd);
    pthread_mutex_unlock(&g_lock);
    return r;
}

static int renamed(int r, int olddirfd, const char* oldpath, int newdirfd, const char* newpath) {
    if (r != 0 || !g_dir_len) return r;
    char a[PATH_MAX], b[PATH_MAX];
    if (absolute_at(olddirfd, oldpath, a) == 0 && absolute_at(newdirfd, newpath, b) == 0) remember(1, a, b);
    return r;
}

int rename(const char* oldpath, const char* newpath) {
    pthread_mutex_lock(&g_lock);
    const int r = renamed(real_rename(oldpath, newpath), AT_FDCWD, oldpath, AT_FDCWD, newpath);
    pthread_mutex_unlock(&g_lock);
    return r;
}

int renameat(int olddirfd, const char* oldpath, int newdirfd, const char* newpath) {
    pthread_mutex_lock(&g_lock);
    const int r = renamed(real_renameat(olddirfd, oldpath, newdirfd, newpath), olddirfd, oldpath, newdirfd, newpath);
    pthread_mutex_unlock(&g_lock);
    return r;
}

int renameat2(int olddirfd, const char* oldpath, int newdirfd, const char* newpath, unsigned flags) {
    pthread_mutex_lock(&g_lock);
    const int r = renamed(real_renameat2(olddirfd, oldpath, newdirfd, newpath, flags), olddirfd, oldpath, newdirfd, newpath);
    pthread_mutex_unlock(&g_lock);
    return r;
}

int unlink(const char* path) {
    pthread_mutex_lock(&g_lock);
    const int r = real_unlink(path);
    char a[PATH_MAX];
    if (r == 0 && g_dir_len && absolute_at(AT_FDCWD, path, a) == 0) remember(0, a, NULL);
    pthread_mutex_unlock(&g_lock);
    return r;
}

int unlinkat(int dirfd, const char* path, int flags) {
    pthread_mutex_lock(&g_lock);
    const int r = real_unlinkat(dirfd, path, flags);
    char a[PATH_MAX];
    if (r == 0 && g_dir_len && !(flags & AT_REMOVEDIR) && absolute_at(dirfd, path, a) == 0) remember(0, a, NULL);
    pthread_mutex_unlock(&g_lock);
    return r;
}

/* The cut: wait for any fsync in flight (its shadow copy completes), then die holding the lock. */
static void* cutter(void* arg) {
    (void)arg;
    char c;
    while (read(g_cut_pipe[0], &c, 1) != 1)
        if (errno != EINTR) return NULL;
    pthread_mutex_lock(&g_lock);
    kill(getpid(), SIGKILL);
    return NULL;
}

static void on_cut(int sig) {
    (void)sig;
    const char c = 'x';
    if (write(g_cut_pipe[1], &c, 1) < 0) _exit(99);
}

__attribute__((constructor)) static void init(void) {
    real_fsync = dlsym(RTLD_NEXT, "fsync");
    real_fdatasync = dlsym(RTLD_NEXT, "fdatasync");
    real_rename = dlsym(RTLD_NEXT, "rename");
    real_renameat = dlsym(RTLD_NEXT, "renameat");
    real_renameat2 = dlsym(RTLD_NEXT, "renameat2");
    real_unlink = dlsym(RTLD_NEXT, "unlink");
    real_unlinkat = dlsym(RTLD_NEXT, "unlinkat");
    const char* dir = getenv("GW_POWERLOSS_DIR");
    const char* shadow = getenv("GW_POWERLOSS_SHADOW");
    if (!dir || !shadow || !*dir || !*shadow) return;
    if (!realpath(dir, g_dir) || !realpath(shadow, g_shadow)) die("GW_POWERLOSS_DIR / GW_POWERLOSS_SHADOW");
    g_dir_len = strlen(g_dir);
    if (pipe2(g_cut_pipe, O_CLOEXEC) != 0) die("pipe");
    pthread_t t;
    if (pthread_create(&t, NULL, cutter, NULL) != 0) die("pthread_create");
    pthread_detach(t);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_cut;
    sa.sa_flags = SA_RESTART;
    sigaction(SIGUSR2, &sa, NULL);
}
