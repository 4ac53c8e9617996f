/* The power-loss shim's test subject (powerloss_shim_test.sh): writes, syncs, renames and
 * unlinks in DIR, then cuts the power (SIGUSR2) itself. A C program rather than a script so
 * that it is built for the target: under qemu-user the arm64 shim can only be preloaded into
 * an arm64 process. Exit 3 if the cut did not come, 2 on a failed call (named on stderr). */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char* dir;

static void die(const char* what) {
    fprintf(stderr, "powerloss_probe: %s: %s\n", what, strerror(errno));
    exit(2);
}

static void path_of(char* out, size_t size, const char* name) { snprintf(out, size, "%s/%s", dir, name); }

static void put(const char* name, const char* data, int sync) {
    char path[4096];
    path_of(path, sizeof path, name);
    const int fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    if (fd < 0) die(path);
    if (write(fd, data, strlen(data)) != (ssize_t)strlen(data)) die("write");
    if (sync && fdatasync(fd) != 0) die("fdatasync");
    close(fd);
}

static void move(const char* from, const char* to) {
    char a[4096], b[4096];
    path_of(a, sizeof a, from);
    path_of(b, sizeof b, to);
    if (rename(a, b) != 0) die("rename");
}

int main(int argc, char** argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: powerloss_probe DIR\n");
        return 2;
    }
    dir = argv[1];
    put("a", "synced", 1);
    put("a", "+lost", 0);          /* written after the sync: lost */
    put("b", "never synced", 0);   /* never synced: gone */
    put("c", "renamed", 1);
    move("c", "c2");
    const int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd < 0 || fsync(dfd) != 0) die("fsync of the directory"); /* the rename is durable now */
    put("e", "kept", 1);
    move("e", "e2");               /* not durable: e stays e */
    char a[4096];
    path_of(a, sizeof a, "a");
    if (unlink(a) != 0) die("unlink"); /* not durable: a stays */
    kill(getpid(), SIGUSR2);
    sleep(5);
    return 3; /* the cut did not come */
}
