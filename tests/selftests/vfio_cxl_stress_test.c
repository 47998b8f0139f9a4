// SPDX-License-Identifier: GPL-2.0-only
/*
 * Stress tests of the DPA region's safety across resets, decode-off events
 * and teardown, run inside the test VM against the real module ($VCP_BDF).
 * Each test is bounded in time and prints what it did and how long it took.
 *
 * The DPA pages hold a pattern written before the stress; QEMU's emulated
 * device returns zeros for an access while its decoder is not committed, so a
 * mapping that survived a reset would read zeros: "only success or SIGBUS"
 * is checked by comparing every value read against the pattern.
 *
 * Copyright (C) 2026 The vfio-cxl-pci authors
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "../lib/vfio_dev.h"

#define PG		4096UL
#define PAT(p)		(0x5eed000000000000ULL ^ ((uint64_t)(p) * 0x9e3779b97f4a7c15ULL))

static const char *bdf(void)
{
	const char *b = getenv("VCP_BDF");

	return b ? b : "0000:0d:00.0";
}

static unsigned long count_env(const char *name, unsigned long def)
{
	const char *v = getenv(name);

	return v ? strtoul(v, NULL, 0) : def;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/*
 * A line every @every rounds of a long loop: the host takes a serial log that
 * makes no progress for minutes for a hang (tests/vm/vm.sh).
 */
static void progress(const char *what, unsigned long i, unsigned long n,
		     unsigned long every)
{
	if (i && i % every == 0)
		ksft_print_msg("%s: %lu of %lu\n", what, i, n);
}

/* SIGBUS on a mapping access: jump back to the access site of this thread */
static __thread sigjmp_buf *bus_jmp;

static void on_sigbus(int sig)
{
	if (bus_jmp)
		siglongjmp(*bus_jmp, 1);
	_exit(99);
}

static void catch_sigbus(void)
{
	struct sigaction sa = { .sa_handler = on_sigbus, .sa_flags = SA_NODEFER };

	sigaction(SIGBUS, &sa, NULL);
}

/* read one u64; returns 1 on SIGBUS */
static int load(volatile uint64_t *p, uint64_t *v)
{
	sigjmp_buf jb;

	bus_jmp = &jb;
	if (sigsetjmp(jb, 1)) {
		bus_jmp = NULL;
		return 1;
	}
	*v = *p;
	bus_jmp = NULL;
	return 0;
}

struct dpa {
	struct vcp_dev d;
	uint64_t size, off;
	char *map;
	unsigned long pages;
};

static int dpa_open(struct dpa *m)
{
	struct vcp_region r;

	if (vcp_open(&m->d, bdf()) || !m->d.cxl)
		return -1;
	if (vcp_region(&m->d, m->d.cxl->dpa_region_index, &r))
		return -1;
	m->size = r.info.size;
	m->off = r.info.offset;
	vcp_region_free(&r);
	m->pages = m->size / PG;
	/* placed as QEMU places it: PMD (and PUD) entries where aligned */
	m->map = vcp_mmap_aligned(m->size, PROT_READ | PROT_WRITE, m->d.fd, m->off);
	return m->map == MAP_FAILED ? -1 : 0;
}

static void dpa_close(struct dpa *m)
{
	if (m->map && m->map != MAP_FAILED)
		munmap(m->map, m->size);
	m->map = NULL;
	vcp_close(&m->d);
}

static void fill(struct dpa *m)
{
	for (unsigned long p = 0; p < m->pages; p++)
		*(volatile uint64_t *)(m->map + p * PG) = PAT(p);
}

/* every page holds its pattern, read through the mapping (no SIGBUS allowed) */
static unsigned long verify(struct dpa *m)
{
	unsigned long bad = 0;
	uint64_t v;

	for (unsigned long p = 0; p < m->pages; p++)
		if (load((volatile uint64_t *)(m->map + p * PG), &v) || v != PAT(p))
			bad++;
	return bad;
}

struct toucher {
	struct dpa *m;
	volatile int stop;
	unsigned long touches, sigbus, wrong;
	pthread_t t;
};

static void *touch_loop(void *arg)
{
	struct toucher *t = arg;
	uint64_t v;

	while (!t->stop) {
		for (unsigned long p = 0; p < t->m->pages && !t->stop; p++) {
			if (load((volatile uint64_t *)(t->m->map + p * PG), &v))
				t->sigbus++;
			else if (v != PAT(p))
				t->wrong++;
			t->touches++;
		}
	}
	return NULL;
}

static int reset(struct vcp_dev *d)
{
	for (int i = 0; i < 100; i++) {
		if (!ioctl(d->fd, VFIO_DEVICE_RESET))
			return 0;
		if (errno != EAGAIN)
			return -errno;
		usleep(1000);
	}
	return -EAGAIN;
}

static void kernel_log_mark(const char *what)
{
	int fd = open("/dev/kmsg", O_WRONLY);

	if (fd >= 0) {
		dprintf(fd, "vfio_cxl_stress: %s\n", what);
		close(fd);
	}
}

/* A reader of the kernel log positioned at its end: only later lines count. */
static int kernel_log_from_now(void)
{
	int fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK);

	if (fd >= 0)
		lseek(fd, 0, SEEK_END);
	return fd;
}

/* Wait up to @secs for a line holding both @a and @b; false if none came. */
static bool kernel_log_wait(int fd, const char *a, const char *b, int secs)
{
	double end = now() + secs;
	char rec[1024];

	while (now() < end) {
		ssize_t n = read(fd, rec, sizeof(rec) - 1);

		if (n < 0 && errno == EAGAIN) {
			usleep(100 * 1000);
			continue;
		}
		if (n < 0 && errno != EPIPE)
			return false;
		if (n <= 0)
			continue;
		rec[n] = 0;
		if (strstr(rec, a) && strstr(rec, b))
			return true;
	}
	return false;
}

/* The tests need no shared state; the fixture only carries the timeouts. */
FIXTURE(stress) {
	int unused;
};

FIXTURE_SETUP(stress)
{
}

FIXTURE_TEARDOWN(stress)
{
}

/*
 * Open the DPA region with its page pattern and start a thread touching it;
 * SIGBUS is caught and counted. Returns 0, or non-zero on failure.
 */
static int start_load(struct dpa *m, struct toucher *t)
{
	int ret;

	catch_sigbus();
	ret = dpa_open(m);
	if (ret)
		return ret;
	fill(m);
	t->m = m;
	return -pthread_create(&t->t, NULL, touch_loop, t);
}

TEST_F_TIMEOUT(stress, reset_under_load, 900)
{
	unsigned long n = count_env("VCP_STRESS_RESETS", 200), ok = 0, i;
	struct toucher t = { 0 };
	struct dpa m = { 0 };
	double t0;

	ASSERT_EQ(0, start_load(&m, &t));
	t0 = now();
	for (i = 0; i < n; i++) {
		progress("resets", i, n, 50);
		ok += reset(&m.d) == 0;
		usleep(2000);	/* let the toucher map pages again in between */
	}
	t.stop = 1;
	pthread_join(t.t, NULL);
	ksft_print_msg("%lu VFIO_DEVICE_RESETs under load in %.1f s: %lu touches: %lu read data, %lu SIGBUS, %lu wrong values\n",
		       n, now() - t0, t.touches, t.touches - t.sigbus - t.wrong, t.sigbus, t.wrong);
	EXPECT_EQ(n, ok);
	EXPECT_GT(t.touches - t.sigbus, 0) TH_LOG("the toucher also read data between resets");
	EXPECT_EQ(0, t.wrong) TH_LOG("a mapping read device memory while it did not decode");
	EXPECT_EQ(0, verify(&m)) TH_LOG("data written before the resets is intact");
	dpa_close(&m);
	kernel_log_mark("reset_under_load done");
}

static int set_memory(struct vcp_dev *d, int on)
{
	uint16_t cmd;
	uint64_t off = vcp_region_offset(VFIO_PCI_CONFIG_REGION_INDEX) + 4;

	if (pread(d->fd, &cmd, 2, off) != 2)
		return -errno;
	cmd = on ? cmd | 2 : cmd & ~2;
	return pwrite(d->fd, &cmd, 2, off) == 2 ? 0 : -errno;
}

static long minor_faults(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_minflt;
}

/*
 * Memory Space Enable toggled under load: CXL.mem does not depend on it
 * (CXL r3.1 8.1.3.2, 8.2.4.20), so the mapping is never taken away. QEMU's
 * device keeps decoding either way, so data alone cannot tell; the process's
 * page faults can: a zap per toggle would make the toucher fault its pages
 * in again, thousands of faults per toggle.
 */
TEST_F_TIMEOUT(stress, memory_toggle_under_load, 900)
{
	unsigned long n = count_env("VCP_STRESS_TOGGLES", 200), off_ok = 0, on_ok = 0, i;
	struct toucher t = { 0 };
	struct dpa m = { 0 };
	long faults;
	uint64_t v;
	double t0;

	ASSERT_EQ(0, start_load(&m, &t));
	/* let the toucher map every page once */
	while (t.touches < 2 * m.pages)
		usleep(10000);
	faults = minor_faults();
	t0 = now();
	for (i = 0; i < n; i++) {
		unsigned long p = (i * 7919) % m.pages;

		progress("toggles", i, n, 50);
		ASSERT_EQ(0, set_memory(&m.d, 0));
		off_ok += !load((volatile uint64_t *)(m.map + p * PG), &v) && v == PAT(p);
		ASSERT_EQ(0, set_memory(&m.d, 1));
		on_ok += !load((volatile uint64_t *)(m.map + p * PG), &v) && v == PAT(p);
		usleep(2000);
	}
	faults = minor_faults() - faults;
	t.stop = 1;
	pthread_join(t.t, NULL);
	ksft_print_msg("%lu Memory Space Enable toggles under load in %.1f s: %lu touches: %lu read data, %lu SIGBUS, %lu wrong, %ld page faults\n",
		       n, now() - t0, t.touches, t.touches - t.sigbus - t.wrong, t.sigbus, t.wrong, faults);
	EXPECT_EQ(n, off_ok) TH_LOG("CXL memory reads with Memory Space Enable clear");
	EXPECT_EQ(n, on_ok);
	EXPECT_EQ(0, t.sigbus) TH_LOG("no access gets SIGBUS");
	EXPECT_EQ(0, t.wrong);
	EXPECT_LT(faults, 1000) TH_LOG("the mapping stayed: %ld faults in %lu toggles", faults, n);
	EXPECT_EQ(0, verify(&m));
	dpa_close(&m);
	kernel_log_mark("memory_toggle_under_load done");
}

TEST_F_TIMEOUT(stress, open_close_cycles, 1800)
{
	unsigned long n = count_env("VCP_STRESS_OPENS", 1000), i, opened = 0;
	struct dpa m = { 0 };
	uint64_t v;
	double t0;
	int fd;

	catch_sigbus();
	ASSERT_EQ(0, dpa_open(&m));
	fill(&m);
	munmap(m.map, m.size);
	m.map = NULL;
	close(m.d.fd);		/* keep the group and container, close the device */
	m.d.fd = -1;
	t0 = now();
	for (i = 0; i < n; i++) {
		progress("opens and closes", i, n, 100);
		fd = ioctl(m.d.group, VFIO_GROUP_GET_DEVICE_FD, bdf());
		if (fd < 0)
			continue;
		opened++;
		close(fd);
	}
	ksft_print_msg("%lu device opens and closes in %.1f s\n", n, now() - t0);
	EXPECT_EQ(n, opened);
	m.d.fd = ioctl(m.d.group, VFIO_GROUP_GET_DEVICE_FD, bdf());
	ASSERT_GE(m.d.fd, 0);
	m.map = vcp_mmap_aligned(m.size, PROT_READ, m.d.fd, m.off);
	ASSERT_NE(MAP_FAILED, m.map);
	EXPECT_EQ(0, verify(&m));
	EXPECT_EQ(0, load((volatile uint64_t *)m.map, &v));
	dpa_close(&m);
	kernel_log_mark("open_close_cycles done");
}

/* Unbind waits for the user; meanwhile the mapping gives SIGBUS, not memory. */
TEST_F_TIMEOUT(stress, unbind_while_mapped, 300)
{
	char path[128], drv[128];
	struct dpa m = { 0 };
	ssize_t n;
	pid_t pid;
	uint64_t v;
	int st, bus;

	catch_sigbus();
	ASSERT_EQ(0, dpa_open(&m));
	fill(&m);
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/driver", bdf());
	n = readlink(path, drv, sizeof(drv) - 1);
	ASSERT_GT(n, 0);
	drv[n] = 0;
	pid = fork();
	ASSERT_GE(pid, 0);
	if (pid == 0) {
		int fd;

		/* the child must not hold the device itself */
		munmap(m.map, m.size);
		close(m.d.fd);
		close(m.d.group);
		close(m.d.container);
		snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/driver/unbind", bdf());
		fd = open(path, O_WRONLY);
		_exit(fd < 0 || write(fd, bdf(), strlen(bdf())) < 0 ? 1 : 0);
	}
	sleep(2);
	EXPECT_EQ(0, waitpid(pid, &st, WNOHANG)) TH_LOG("unbind waits for the user");
	bus = load((volatile uint64_t *)(m.map + 5 * PG), &v);
	EXPECT_EQ(1, bus) TH_LOG("the mapping is gone while unbind waits");
	dpa_close(&m);
	ASSERT_EQ(pid, waitpid(pid, &st, 0));
	EXPECT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/driver", bdf());
	EXPECT_NE(0, access(path, F_OK)) TH_LOG("the device is unbound");
	/* bind again (driver_override is still set) and find the data */
	st = open("/sys/bus/pci/drivers_probe", O_WRONLY);
	ASSERT_GE(st, 0);
	ASSERT_EQ((ssize_t)strlen(bdf()), write(st, bdf(), strlen(bdf())));
	close(st);
	ASSERT_EQ(0, dpa_open(&m));
	EXPECT_EQ(0, verify(&m));
	dpa_close(&m);
	kernel_log_mark("unbind_while_mapped done");
}

/*
 * Someone else commits and locks the device's decoder 0 elsewhere: the
 * restore after the next event that may lose the programming (here a
 * low-power entry and exit) cannot put the host's programming back, so the
 * region stays blocked (SIGBUS, -EIO) until a reset clears the decoder and
 * the restore succeeds. The scenario checks the log line.
 */
static int low_power_cycle(struct vcp_dev *d)
{
	struct vfio_device_feature f = { .argsz = sizeof(f) };

	f.flags = VFIO_DEVICE_FEATURE_SET | VFIO_DEVICE_FEATURE_LOW_POWER_ENTRY;
	if (ioctl(d->fd, VFIO_DEVICE_FEATURE, &f))
		return -errno;
	f.flags = VFIO_DEVICE_FEATURE_SET | VFIO_DEVICE_FEATURE_LOW_POWER_EXIT;
	return ioctl(d->fd, VFIO_DEVICE_FEATURE, &f) ? -errno : 0;
}

TEST_F_TIMEOUT(stress, restore_failure_blocks, 300)
{
	struct dpa m = { 0 };
	char cmd[128], buf[8];
	uint64_t v;

	catch_sigbus();
	ASSERT_EQ(0, dpa_open(&m));
	fill(&m);
	snprintf(cmd, sizeof(cmd), "cxlfw hijack %s > /dev/null", bdf());
	ASSERT_EQ(0, system(cmd));
	for (int i = 0; i < 3; i++) {
		ASSERT_EQ(0, low_power_cycle(&m.d));
		EXPECT_EQ(1, load((volatile uint64_t *)m.map, &v)) TH_LOG("blocked after failed restore");
		EXPECT_EQ(-1, pread(m.d.fd, buf, 8, m.off));
		EXPECT_EQ(EIO, errno);
	}
	ASSERT_EQ(0, reset(&m.d));
	EXPECT_EQ(0, verify(&m)) TH_LOG("back after the reset, data intact");
	dpa_close(&m);
	kernel_log_mark("restore_failure_blocks done");
}

TEST_F_TIMEOUT(stress, rmmod_while_open, 300)
{
	struct dpa m = { 0 };

	ASSERT_EQ(0, dpa_open(&m));
	/* as rmmod asks: fail rather than wait while the module is in use */
	errno = 0;
	EXPECT_EQ(-1, syscall(SYS_delete_module, "vfio_cxl_pci", O_NONBLOCK));
	EXPECT_EQ(EWOULDBLOCK, errno) TH_LOG("refused for another reason: %s", strerror(errno));
	EXPECT_EQ(0, access("/sys/module/vfio_cxl_pci", F_OK)) TH_LOG("still loaded");
	/* the device keeps working */
	fill(&m);
	EXPECT_EQ(0, verify(&m));
	dpa_close(&m);
}

#define SCRUB_PARAM	"/sys/module/vfio_cxl_pci/parameters/scrub"

static int scrub_on(void)
{
	char p[8] = "";
	int fd = open(SCRUB_PARAM, O_RDONLY), on;

	on = fd >= 0 && read(fd, p, sizeof(p)) >= 1 && p[0] == 'Y';
	if (fd >= 0)
		close(fd);
	return on;
}

static int set_scrub(int on)
{
	int fd = open(SCRUB_PARAM, O_WRONLY), ret;

	if (fd < 0)
		return -1;
	ret = write(fd, on ? "Y" : "N", 1) == 1 ? 0 : -1;
	close(fd);
	return ret;
}

/*
 * A pread() of all of device memory stops when its caller is killed: the time
 * from SIGKILL to the reaped child is compared with the time a pread() of
 * 1/32 of the region takes in the same run (the killed read still had more
 * than 30 times that much left to do).
 */
TEST_F_TIMEOUT(stress, pread_is_killable, 600)
{
	struct dpa m = { 0 };
	size_t part;
	double t0, t_part, t_reap;
	int sync[2], st;
	char *buf, c;
	pid_t pid;

	ASSERT_EQ(0, dpa_open(&m));
	part = m.size / 32;
	buf = mmap(NULL, m.size, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	ASSERT_NE(MAP_FAILED, buf);
	memset(buf, 0, part);
	t0 = now();
	ASSERT_EQ((ssize_t)part, pread(m.d.fd, buf, part, m.off));
	t_part = now() - t0;
	ASSERT_EQ(0, pipe(sync));
	pid = fork();
	ASSERT_GE(pid, 0);
	if (pid == 0) {
		close(sync[0]);
		if (write(sync[1], "r", 1) != 1)
			_exit(3);
		_exit(pread(m.d.fd, buf, m.size, m.off) == (ssize_t)m.size ? 0 : 4);
	}
	close(sync[1]);
	ASSERT_EQ(1, read(sync[0], &c, 1));
	close(sync[0]);
	usleep(200000);
	t0 = now();
	kill(pid, SIGKILL);
	ASSERT_EQ(pid, waitpid(pid, &st, 0));
	t_reap = now() - t0;
	ksft_print_msg("pread of %zu MiB: %.3f s; SIGKILL to reaped, in a pread of %llu MiB: %.3f s\n",
		       part >> 20, t_part, (unsigned long long)m.size >> 20, t_reap);
	if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
		SKIP(goto out, "the whole read finished within 200 ms: nothing to interrupt");
	EXPECT_TRUE(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL) TH_LOG("status %#x", st);
	EXPECT_LT(t_reap, t_part) TH_LOG("the killed pread ran on to its end");
out:
	munmap(buf, m.size);
	dpa_close(&m);
}

/*
 * scrub=1 and the owner is killed while its close is still scrubbing: the
 * driver finishes the scrub by itself, without waiting for a next open, and
 * the next owner finds zeros everywhere.
 */
TEST_F_TIMEOUT(stress, scrub_finished_after_kill, 900)
{
	struct dpa m = { 0 };
	int sync[2], st, klog;
	bool killed;
	char c;
	pid_t pid;

	if (!scrub_on())
		SKIP(return, "scrub=0");
	catch_sigbus();
	ASSERT_EQ(0, pipe(sync));
	pid = fork();
	ASSERT_GE(pid, 0);
	if (pid == 0) {
		close(sync[0]);
		if (dpa_open(&m))
			_exit(2);
		fill(&m);
		if (write(sync[1], "c", 1) != 1)
			_exit(3);
		dpa_close(&m);	/* scrubs all of it: about a minute here */
		_exit(0);
	}
	close(sync[1]);
	ASSERT_EQ(1, read(sync[0], &c, 1)) TH_LOG("the child could not open the device");
	close(sync[0]);
	sleep(2);
	klog = kernel_log_from_now();
	ASSERT_LE(0, klog) TH_LOG("/dev/kmsg: %s", strerror(errno));
	kill(pid, SIGKILL);
	ASSERT_EQ(pid, waitpid(pid, &st, 0));
	killed = WIFSIGNALED(st);
	/* no open meanwhile: only the driver itself can finish the scrub */
	if (killed)
		EXPECT_TRUE(kernel_log_wait(klog, bdf(),
					    "device memory scrubbed after its owner was killed", 600))
			TH_LOG("no report of the scrub finishing after the kill");
	close(klog);
	ASSERT_EQ(0, dpa_open(&m)) TH_LOG("the open after the killed owner");
	for (unsigned long i = 0; i < m.pages; i += 97) {
		uint64_t v = 1;

		EXPECT_EQ(0, load((volatile uint64_t *)(m.map + i * PG), &v));
		EXPECT_EQ(0, v) TH_LOG("page %lu", i);
	}
	{
		uint64_t v = 1;

		EXPECT_EQ(0, load((volatile uint64_t *)(m.map + (m.pages - 1) * PG), &v));
		EXPECT_EQ(0, v) TH_LOG("the last page, which the killed close did not reach");
	}
	/* this close need not scrub again: the memory holds nothing */
	EXPECT_EQ(0, set_scrub(0));
	dpa_close(&m);
	EXPECT_EQ(0, set_scrub(1));
	/* a close that did not scrub at all failed above; only a fast one skips */
	if (!killed && _metadata->exit_code == KSFT_PASS)
		SKIP(return, "the close scrubbed all within 2 s: nothing to interrupt");
}

/* scrub=1: the next owner finds zeros; prints the cost of the scrub. */
TEST_F_TIMEOUT(stress, scrub_between_owners, 900)
{
	struct dpa m = { 0 };
	double t0;

	if (!scrub_on())
		SKIP(return, "scrub=0");
	catch_sigbus();
	ASSERT_EQ(0, dpa_open(&m));
	fill(&m);
	t0 = now();
	dpa_close(&m);
	ksft_print_msg("close with scrub of %llu MiB took %.1f s\n",
		       (unsigned long long)m.size >> 20, now() - t0);
	ASSERT_EQ(0, dpa_open(&m));
	for (unsigned long i = 0; i < m.pages; i += 97) {
		uint64_t v = 1;

		EXPECT_EQ(0, load((volatile uint64_t *)(m.map + i * PG), &v));
		EXPECT_EQ(0, v) TH_LOG("page %lu", i);
	}
	/* one scrub is enough for the test: turn it off before this close */
	EXPECT_EQ(0, set_scrub(0));
	dpa_close(&m);
}

TEST_HARNESS_MAIN
