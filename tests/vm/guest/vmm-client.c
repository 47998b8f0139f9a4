// SPDX-License-Identifier: GPL-2.0-only
/*
 * vmm-client: runs the real VMM, NVIDIA's QEMU CXL passthrough series, inside
 * the test VM against the device bound to vfio-cxl-pci, and checks what a VM
 * gets. QEMU runs with -accel qtest: no guest code executes; this program
 * plays the VM's CPU and firmware over the qtest protocol (QEMU's stdin and
 * stdout) and uses QMP for the memory map, VM resets and quit.
 *
 *   vmm-client <bdf> <host-hpa> first|second|third|plain|demo [kill|<message>]
 *
 * first   realize, firmware steps, decoder 0 through the component BAR, the
 *         host's seed values, write set 1, a VM reset, write set 2, quit
 * second  sees sets 1 and 2, writes set 3; with "kill", is killed with
 *         SIGKILL instead of quitting
 * third   sees set 3 (the device is usable after the kill), writes set 4
 * plain   the device bound to plain vfio-pci: QEMU sets up no CXL region
 * demo    the main job through the real VMM: the VM writes <message> at DPA
 *         offset 0x1000
 *
 * Each check prints "VCP-TEST: ok|not ok vmm: <check> [# detail]"; when a run
 * cannot go on, the checks it did not reach are reported as failures too.
 * Offsets and values: vmm_layout.h.
 *
 * Copyright (C) 2026 The vfio-cxl-pci authors
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../../lib/vfio_dev.h"
#include "vmm_layout.h"

#define VMM_DIR		"/vmm"
#define QMP_SOCK	"/tmp/vmm-qmp.sock"
#define REPLY_TIMEOUT_MS	120000	/* one qtest or QMP reply, under TCG */

/* firmware's choices for the VM: bus numbers, where BAR0 goes */
#define RP_BUS		12		/* pxb-cxl bus_nr of the device's host bridge */
#define EP_BUS		13
#define BAR0_GPA	0xfe000000u

static const char *run_name;
static int failed;
static unsigned int reported;

static void result(int ok, const char *name, const char *fmt, ...)
{
	char detail[512] = "";
	va_list ap;

	if (fmt) {
		va_start(ap, fmt);
		vsnprintf(detail, sizeof(detail), fmt, ap);
		va_end(ap);
	}
	printf("VCP-TEST: %s %s run: %s%s%s\n", ok ? "ok" : "not ok", run_name, name,
	       detail[0] ? " # " : "", detail);
	fflush(stdout);
	failed |= !ok;
	reported++;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* ----- QEMU, qtest and QMP ----- */

struct vmm {
	pid_t pid;
	int qt_in, qt_out;	/* QEMU's stdin, stdout: the qtest protocol */
	int qmp;
	char err[64];		/* QEMU's stderr */
	char why[256];		/* why the last exchange failed */
	char line[1 << 20];
	size_t have;		/* bytes buffered from the current stream */
	int buf_fd;
	int exited, status;
	unsigned int resets;	/* RESET events seen on QMP */
};

static struct vmm vm;

static void reap(struct vmm *v, int hang)
{
	if (!v->exited && waitpid(v->pid, &v->status, hang ? 0 : WNOHANG) == v->pid)
		v->exited = 1;
}

static const char *exit_desc(struct vmm *v)
{
	static char s[64];

	reap(v, 0);
	if (!v->exited)
		return "still running";
	if (WIFSIGNALED(v->status))
		snprintf(s, sizeof(s), "QEMU died of signal %d (%s)", WTERMSIG(v->status),
			 strsignal(WTERMSIG(v->status)));
	else
		snprintf(s, sizeof(s), "QEMU exited with status %d", WEXITSTATUS(v->status));
	return s;
}

/* a QEMU that stopped answering: where its threads wait, into the log */
static void dump_stacks(struct vmm *v)
{
	char path[128], buf[4096];
	FILE *f;
	int tid;
	DIR *d;
	struct dirent *e;

	snprintf(path, sizeof(path), "/proc/%d/task", v->pid);
	d = opendir(path);
	while (d && (e = readdir(d))) {
		tid = atoi(e->d_name);
		if (tid <= 0)
			continue;
		snprintf(path, sizeof(path), "/proc/%d/task/%d/stack", v->pid, tid);
		f = fopen(path, "r");
		while (f && fgets(buf, sizeof(buf), f))
			printf("VCP-VMM: %s run: QEMU thread %d: %s", run_name, tid, buf);
		if (f)
			fclose(f);
	}
	if (d)
		closedir(d);
}

/* Read one line from @fd (buffered per fd); NULL on EOF or timeout. */
static char *read_line(struct vmm *v, int fd)
{
	if (v->buf_fd != fd) {
		v->have = 0;
		v->buf_fd = fd;
	}
	for (;;) {
		char *nl = memchr(v->line, '\n', v->have);
		struct pollfd p = { .fd = fd, .events = POLLIN };
		ssize_t n;

		if (nl) {
			static char out[sizeof(v->line)];
			size_t len = nl - v->line;

			memcpy(out, v->line, len);
			out[len] = 0;
			memmove(v->line, nl + 1, v->have - len - 1);
			v->have -= len + 1;
			return out;
		}
		if (v->have == sizeof(v->line)) {
			snprintf(v->why, sizeof(v->why), "reply too long");
			return NULL;
		}
		if (poll(&p, 1, REPLY_TIMEOUT_MS) <= 0) {
			snprintf(v->why, sizeof(v->why), "no reply in %d s (%s)",
				 REPLY_TIMEOUT_MS / 1000, exit_desc(v));
			dump_stacks(v);
			return NULL;
		}
		n = read(fd, v->line + v->have, sizeof(v->line) - v->have);
		if (n <= 0) {
			snprintf(v->why, sizeof(v->why), "connection closed: %s", exit_desc(v));
			return NULL;
		}
		v->have += n;
	}
}

/* One qtest command; returns the value of "OK <value>", 0 for a bare OK. */
static int qt(struct vmm *v, uint64_t *val, const char *fmt, ...)
{
	char cmd[256];
	va_list ap;
	char *l;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd) - 1, fmt, ap);
	va_end(ap);
	strcat(cmd, "\n");
	if (write(v->qt_in, cmd, strlen(cmd)) != (ssize_t)strlen(cmd)) {
		snprintf(v->why, sizeof(v->why), "qtest write failed: %s", exit_desc(v));
		return -1;
	}
	do {
		l = read_line(v, v->qt_out);
		if (!l)
			return -1;
	} while (!strncmp(l, "IRQ ", 4));
	if (strncmp(l, "OK", 2)) {
		snprintf(v->why, sizeof(v->why), "qtest \"%.*s\": %.100s",
			 (int)strlen(cmd) - 1, cmd, l);
		return -1;
	}
	if (val)
		*val = strtoull(l + 2, NULL, 0);
	return 0;
}

static int rd64(uint64_t gpa, uint64_t *v)
{
	return qt(&vm, v, "readq 0x%" PRIx64, gpa);
}

static int rd32(uint64_t gpa, uint32_t *v)
{
	uint64_t x;
	int ret = qt(&vm, &x, "readl 0x%" PRIx64, gpa);

	*v = x;
	return ret;
}

static int wr64(uint64_t gpa, uint64_t v)
{
	return qt(&vm, NULL, "writeq 0x%" PRIx64 " 0x%" PRIx64, gpa, v);
}

static int wr32(uint64_t gpa, uint32_t v)
{
	return qt(&vm, NULL, "writel 0x%" PRIx64 " 0x%x", gpa, v);
}

/* config space through ports 0xcf8/0xcfc, as firmware and the VM's OS do */
static uint32_t cf8(unsigned int bus, unsigned int reg)
{
	return 0x80000000u | bus << 16 | (reg & 0xfc);
}

static int cfg_rd(unsigned int bus, unsigned int reg, uint32_t *val)
{
	uint64_t x;

	if (qt(&vm, NULL, "outl 0xcf8 0x%x", cf8(bus, reg)) || qt(&vm, &x, "inl 0xcfc"))
		return -1;
	*val = x;
	return 0;
}

static int cfg_wr(unsigned int bus, unsigned int reg, uint32_t val)
{
	return qt(&vm, NULL, "outl 0xcf8 0x%x", cf8(bus, reg)) ||
	       qt(&vm, NULL, "outl 0xcfc 0x%x", val) ? -1 : 0;
}

/*
 * One QMP command (JSON text); returns the reply line. Events may come
 * before or after the reply; RESET events are counted on the way.
 */
static char *qmp(struct vmm *v, const char *cmd, const char *want_event)
{
	char *l;

	if (cmd && write(v->qmp, cmd, strlen(cmd)) != (ssize_t)strlen(cmd)) {
		snprintf(v->why, sizeof(v->why), "QMP write failed: %s", exit_desc(v));
		return NULL;
	}
	for (;;) {
		l = read_line(v, v->qmp);
		if (!l)
			return NULL;
		if (strstr(l, "\"event\"") && strstr(l, "\"RESET\""))
			v->resets++;
		if (want_event) {
			if (strstr(l, want_event))
				return l;
			continue;
		}
		if (strstr(l, "\"return\"") || strstr(l, "\"error\"")) {
			if (strstr(l, "\"error\""))
				snprintf(v->why, sizeof(v->why), "QMP: %.200s", l);
			return strstr(l, "\"error\"") ? NULL : l;
		}
	}
}

static int vmm_start(struct vmm *v, const char *bdf)
{
	char dev[64];
	const char *argv[64];
	int in[2], out[2], n = 0, i;
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	double t0 = now();

	memset(v, 0, sizeof(*v));
	v->buf_fd = -1;
	snprintf(v->err, sizeof(v->err), "/tmp/vmm-%s.err", run_name);
	snprintf(dev, sizeof(dev), "vfio-pci,host=%s,bus=rp0", bdf);
	argv[n++] = VMM_DIR "/lib/ld-linux-x86-64.so.2";
	argv[n++] = "--library-path";
	argv[n++] = VMM_DIR "/lib";
	argv[n++] = VMM_DIR "/qemu-system-x86_64";
	argv[n++] = "-L";
	argv[n++] = VMM_DIR "/pc-bios";
	argv[n++] = "-nodefaults";
	argv[n++] = "-no-user-config";
	argv[n++] = "-display";
	argv[n++] = "none";
	argv[n++] = "-machine";
	argv[n++] = "q35,cxl=on";
	argv[n++] = "-accel";
	argv[n++] = "qtest";
	argv[n++] = "-qtest";
	argv[n++] = "stdio";
	argv[n++] = "-qtest-log";
	argv[n++] = "none";
	argv[n++] = "-qmp";
	argv[n++] = "unix:" QMP_SOCK ",server=on,wait=off";
	argv[n++] = "-m";
	argv[n++] = "256M";
	/*
	 * Two CXL host bridges, one window each: the device's window is the
	 * second, at a base that differs from the host physical address of
	 * device memory, so a leaked host address cannot pass for it.
	 */
	argv[n++] = "-device";
	argv[n++] = "pxb-cxl,bus_nr=20,bus=pcie.0,id=cxl.0";
	argv[n++] = "-device";
	argv[n++] = "cxl-rp,port=0,bus=cxl.0,id=rp9,chassis=1,slot=1";
	argv[n++] = "-device";
	argv[n++] = "pxb-cxl,bus_nr=12,bus=pcie.0,id=cxl.1";
	argv[n++] = "-device";
	argv[n++] = "cxl-rp,port=0,bus=cxl.1,id=rp0,chassis=0,slot=0";
	argv[n++] = "-device";
	argv[n++] = dev;
	argv[n++] = "-M";
	argv[n++] = "cxl-fmw.0.targets.0=cxl.0,cxl-fmw.0.size=4G,"
		    "cxl-fmw.1.targets.0=cxl.1,cxl-fmw.1.size=4G";
	argv[n] = NULL;

	unlink(QMP_SOCK);
	if (pipe(in) || pipe(out))
		return -1;
	v->pid = fork();
	if (v->pid < 0)
		return -1;
	if (!v->pid) {
		int e = open(v->err, O_WRONLY | O_CREAT | O_TRUNC, 0644);

		dup2(in[0], 0);
		dup2(out[1], 1);
		dup2(e, 2);
		for (i = 3; i < 256; i++)
			close(i);
		execv(argv[0], (char **)argv);
		_exit(127);
	}
	close(in[0]);
	close(out[1]);
	v->qt_in = in[1];
	v->qt_out = out[0];
	signal(SIGPIPE, SIG_IGN);

	strcpy(sa.sun_path, QMP_SOCK);
	v->qmp = socket(AF_UNIX, SOCK_STREAM, 0);
	while (connect(v->qmp, (struct sockaddr *)&sa, sizeof(sa))) {
		reap(v, 0);
		if (v->exited || now() - t0 > REPLY_TIMEOUT_MS / 1000) {
			snprintf(v->why, sizeof(v->why), "no QMP socket: %s", exit_desc(v));
			return -1;
		}
		usleep(100000);
	}
	if (!qmp(v, NULL, "\"QMP\"") || !qmp(v, "{\"execute\":\"qmp_capabilities\"}\n", NULL))
		return -1;
	/* the first qtest exchange returns once machine init is done */
	if (qt(v, NULL, "readl 0x0"))
		return -1;
	printf("VCP-VMM: %s run: QEMU up in %.1f s\n", run_name, now() - t0);
	return 0;
}

static int vmm_quit(struct vmm *v)
{
	qmp(v, "{\"execute\":\"quit\"}\n", NULL);
	reap(v, 1);
	return v->exited && WIFEXITED(v->status) && !WEXITSTATUS(v->status) ? 0 : -1;
}

/* ----- the memory map ----- */

struct range {
	uint64_t start, end;
};

/*
 * From "info mtree -f": the flat range named cxl-dpa, and the bases of the
 * CXL fixed memory windows in address order. A window that cxl-dpa covers in
 * part shows as a range "cxl-fixed-memory-region @<offset>": its base is the
 * range start minus the offset.
 */
static int memory_map(struct range *dpa, uint64_t *win, int *nwin)
{
	char *r = qmp(&vm, "{\"execute\":\"human-monitor-command\","
		      "\"arguments\":{\"command-line\":\"info mtree -f\"}}\n", NULL);
	char *p, *e, *at;
	int in_memory = 0, i;

	*nwin = 0;
	dpa->start = dpa->end = 0;
	if (!r)
		return -1;
	/* the reply is one JSON string: lines end in the escapes \r\n */
	for (p = r; p; p = e ? e + 4 : NULL) {
		uint64_t base, off = 0;
		char l[512];
		size_t len;
		struct range x;

		e = strstr(p, "\\r\\n");
		len = e ? (size_t)(e - p) : strlen(p);
		if (len >= sizeof(l))
			len = sizeof(l) - 1;
		memcpy(l, p, len);
		l[len] = 0;
		if (strstr(l, "FlatView #")) {
			if (in_memory)
				break;
			continue;
		}
		if (strstr(l, "AS \\\"memory\\\""))
			in_memory = 1;
		if (!in_memory || sscanf(l, " %" SCNx64 "-%" SCNx64, &x.start, &x.end) != 2)
			continue;
		if (strstr(l, "): cxl-dpa")) {
			*dpa = x;
			continue;
		}
		if (!strstr(l, "): cxl-fixed-memory-region"))
			continue;
		at = strstr(l, "cxl-fixed-memory-region @");
		if (at)
			off = strtoull(at + strlen("cxl-fixed-memory-region @"), NULL, 16);
		base = x.start - off;
		for (i = 0; i < *nwin && win[i] != base; i++)
			;
		if (i == *nwin && *nwin < 8)
			win[(*nwin)++] = base;
	}
	/* address order */
	for (i = 1; i < *nwin; i++)
		if (win[i] < win[i - 1]) {
			uint64_t t = win[i];

			win[i] = win[i - 1];
			win[i - 1] = t;
			i = 0;
		}
	return 0;
}

/* ----- the checks ----- */

struct ctx {
	const char *bdf;
	uint64_t host_hpa;
	uint64_t size;		/* DPA size, from VFIO */
	uint64_t hdm;		/* GPA of HDM decoder 0's registers, via BAR0 */
	uint64_t win;		/* base of the device's CXL window */
	int fatal;
};

static uint64_t spread(const struct ctx *c, unsigned int k)
{
	return k * (c->size / VMM_SPREAD);
}

/* what the VM's firmware does before it touches the device */
static int firmware(struct ctx *c, char *why, size_t n)
{
	uint32_t id, cmd;

	if (cfg_wr(RP_BUS, 0x18, EP_BUS << 16 | EP_BUS << 8 | RP_BUS) ||
	    cfg_wr(RP_BUS, 0x20, (BAR0_GPA >> 16) | (BAR0_GPA & 0xfff00000u)) ||
	    cfg_wr(RP_BUS, 0x04, 0x0006) ||
	    cfg_wr(EP_BUS, 0x10, BAR0_GPA) || cfg_wr(EP_BUS, 0x14, 0) ||
	    cfg_wr(EP_BUS, 0x04, 0x0002) ||
	    cfg_rd(EP_BUS, 0x00, &id) || cfg_rd(EP_BUS, 0x04, &cmd)) {
		snprintf(why, n, "%s", vm.why);
		return -1;
	}
	if (id != 0x0d938086 || !(cmd & 2)) {
		snprintf(why, n, "endpoint at %02x:00.0 reads id %08x command %04x", EP_BUS, id,
			 cmd & 0xffff);
		return -1;
	}
	return 0;
}

static void check_firmware(struct ctx *c, const char *when)
{
	char why[300], name[160];
	int ret = firmware(c, why, sizeof(why));

	snprintf(name, sizeof(name),
		 "%sfirmware steps: root port bus numbers, BAR0 at %#x, Memory Space Enable on",
		 when, BAR0_GPA);
	result(!ret, name, ret ? "%s" : NULL, why);
	c->fatal |= ret;
}

static void check_map(struct ctx *c, const char *when)
{
	struct range dpa;
	uint64_t win[8];
	char name[160];
	int nwin, ok;

	snprintf(name, sizeof(name), "%smemory map: cxl-dpa at the base of the device's CXL window, DPA size",
		 when);
	if (memory_map(&dpa, win, &nwin)) {
		result(0, name, "%s", vm.why);
		c->fatal = 1;
		return;
	}
	/* the device's host bridge is the second one: its window is the second */
	ok = nwin == 2 && dpa.start == win[1] && dpa.end - dpa.start + 1 == c->size &&
	     dpa.start != c->host_hpa;
	result(ok, name, "cxl-dpa %#" PRIx64 "-%#" PRIx64 ", %d windows, device window %#" PRIx64
	       ", host HPA %#" PRIx64, dpa.start, dpa.end, nwin, nwin > 1 ? win[1] : 0,
	       c->host_hpa);
	if (ok)
		c->win = win[1];
	c->fatal |= !ok;
}

static void check_decoder(struct ctx *c, const char *when)
{
	uint32_t ctrl = 0, lo = 0, hi = 0;
	uint64_t base;
	char name[200];
	int ok;

	snprintf(name, sizeof(name),
		 "%sdecoder 0 through the component BAR's COMP_REGS overlay: COMMITTED, LOCK, BASE = the window base",
		 when);
	if (rd32(c->hdm + 0x10, &ctrl) || rd32(c->hdm, &lo) || rd32(c->hdm + 0x4, &hi)) {
		result(0, name, "%s", vm.why);
		c->fatal = 1;
		return;
	}
	base = (uint64_t)hi << 32 | (lo & 0xf0000000u);
	ok = (ctrl & (1u << 10)) && (ctrl & (1u << 8)) && base == c->win;
	result(ok, name, "CTRL %#x BASE %#" PRIx64 ", window %#" PRIx64, ctrl, base, c->win);
}

/*
 * Before the VM's firmware sets Memory Space Enable (QEMU clears it at every
 * VM reset): CXL.mem does not depend on it (CXL r3.1 8.1.3.2, 8.2.4.20), so
 * the VM reads its memory, and QEMU lives (it died of SIGBUS while the driver
 * blocked device memory on MSE).
 */
static void check_read_before_mse(struct ctx *c, const char *when)
{
	uint32_t cmd = 0;
	uint64_t v = 0;
	char name[200];
	int ret;

	snprintf(name, sizeof(name),
		 "%sVM reads its CXL memory before its firmware sets Memory Space Enable", when);
	ret = cfg_wr(RP_BUS, 0x18, EP_BUS << 16 | EP_BUS << 8 | RP_BUS) ||
	      cfg_rd(EP_BUS, 0x04, &cmd) || rd64(c->win + VMM_SEED_OFF, &v);
	if (ret) {
		result(0, name, "%s", vm.why);
		c->fatal = 1;
		return;
	}
	result(!(cmd & 2) && v == vmm_seed(0), name, "command %#x, read %#" PRIx64 ", seed %#" PRIx64,
	       cmd & 0xffff, v, vmm_seed(0));
}

static void check_seeds(struct ctx *c)
{
	unsigned int k, bad = 0;
	uint64_t v;

	for (k = 0; k < VMM_SPREAD; k++) {
		if (rd64(c->win + spread(c, k) + VMM_SEED_OFF, &v)) {
			result(0, "VM reads return the bytes the host seeded (64 offsets)", "%s", vm.why);
			c->fatal = 1;
			return;
		}
		bad += v != vmm_seed(k);
	}
	result(!bad, "VM reads return the bytes the host seeded (64 offsets)", "%u differ", bad);
}

/* write set @s: 64-bit at even k, two 32-bit at odd k; first page; last 8 */
static void write_set(struct ctx *c, unsigned int s)
{
	uint64_t b = c->win, off;
	unsigned int k;
	char name[200];
	int ret = 0;

	snprintf(name, sizeof(name),
		 "VM writes set %u: 32- and 64-bit, first page, last 8 bytes, 64 offsets", s);
	for (k = 0; k < VMM_SPREAD && !ret; k++) {
		off = spread(c, k) + VMM_SET_OFF(s);
		if (k % 2)
			ret = wr32(b + off, vmm_val(s, k)) ||
			      wr32(b + off + 4, vmm_val(s, k) >> 32);
		else
			ret = wr64(b + off, vmm_val(s, k));
	}
	if (!ret)
		ret = wr64(b + VMM_FIRST_PAGE_OFF(s), vmm_val(s, 100)) ||
		      wr64(b + c->size - 8, vmm_val(s, 101));
	result(!ret, name, ret ? "%s" : NULL, vm.why);
	c->fatal |= ret;
}

/* set @s reads back, 64-bit and 32-bit; @last: the last 8 hold set @s too */
static void read_set(struct ctx *c, unsigned int s, int last, const char *what)
{
	uint64_t b = c->win, v, off;
	unsigned int k, bad = 0;
	uint32_t lo, hi;
	char name[200];

	snprintf(name, sizeof(name), "%s", what);
	for (k = 0; k < VMM_SPREAD; k++) {
		off = spread(c, k) + VMM_SET_OFF(s);
		if (rd64(b + off, &v) || rd32(b + off, &lo) || rd32(b + off + 4, &hi))
			goto io;
		bad += v != vmm_val(s, k) || lo != (uint32_t)v || hi != v >> 32;
	}
	if (rd64(b + VMM_FIRST_PAGE_OFF(s), &v))
		goto io;
	bad += v != vmm_val(s, 100);
	if (last) {
		if (rd64(b + c->size - 8, &v))
			goto io;
		bad += v != vmm_val(s, 101);
	}
	result(!bad, name, "%u of %u values differ", bad, VMM_SPREAD + 1 + !!last);
	return;
io:
	result(0, name, "%s", vm.why);
	c->fatal = 1;
}

/*
 * QEMU's stderr: the series' LOCK warning, once, and nothing else but
 * QEMU 11's notices that the kernel exports no dma-buf for a mapped region
 * (it says so for every BAR on any vfio-pci device of these kernels, and for
 * the DPA region, which the series never maps for DMA).
 */
static void check_stderr(const char *err)
{
	char l[512], bad[400] = "";
	int lock = 0, dmabuf = 0;
	FILE *f = fopen(err, "r");

	while (f && fgets(l, sizeof(l), f)) {
		l[strcspn(l, "\n")] = 0;
		if (strstr(l, "COMMIT_LOCK set in HDM decoder 0 CTRL"))
			lock++;
		else if (strstr(l, "failed to create dma-buf") || strstr(l, "dma-buf not supported"))
			dmabuf++;
		else if (!bad[0])
			snprintf(bad, sizeof(bad), "%.300s", l);
	}
	if (f)
		fclose(f);
	result(lock == 1 && !bad[0],
	       "QEMU printed nothing on stderr but the series' LOCK warning, once (and dma-buf notices)",
	       "%d LOCK warnings, %d dma-buf notices; other: %s", lock, dmabuf, bad[0] ? bad : "none");
}

static void vm_reset(struct ctx *c)
{
	unsigned int before = vm.resets;
	char *r = qmp(&vm, "{\"execute\":\"system_reset\"}\n", NULL);

	/* the RESET event may have come before the reply */
	if (r && vm.resets == before)
		r = qmp(&vm, NULL, "\"RESET\"");
	/* the reset is done once the main loop answers qtest again */
	if (r && qt(&vm, NULL, "readl 0x0"))
		r = NULL;
	result(!!r, "system_reset: VFIO resets the device, the VM reset completes", r ? NULL : "%s",
	       vm.why);
	c->fatal |= !r;
}

/* GET_INFO before QEMU takes the device: DPA size, BAR0 layout */
static int probe(struct ctx *c)
{
	struct vcp_region r;
	struct vcp_dev d;
	uint32_t hdm_off;
	int ret;

	ret = vcp_open(&d, c->bdf);
	if (ret)
		return ret;
	ret = -ENODEV;
	if (d.cxl && d.cxl->hdm_regs_bar_index == 0 && !vcp_find_hdm(&d, &hdm_off) &&
	    !vcp_region(&d, d.cxl->dpa_region_index, &r)) {
		c->size = r.info.size;
		c->hdm = BAR0_GPA + d.cxl->hdm_regs_offset + hdm_off + 0x10;
		vcp_region_free(&r);
		ret = 0;
	}
	vcp_close(&d);
	return ret;
}

/*
 * The demo: the VM writes a message at DPA offset 0x1000 (guest physical
 * window base + 0x1000) and reads it back; the host then finds it in the
 * device's memory backing file.
 */
static void demo(struct ctx *c, const char *msg)
{
	char cmd[1024], hex[600] = "", *l;
	size_t i, n = strlen(msg) + 1;
	uint64_t gpa = c->win + 0x1000;
	int ok;

	if (n > 256)
		n = 256;
	for (i = 0; i < n; i++)
		sprintf(hex + 2 * i, "%02x", (unsigned char)msg[i]);
	printf("VCP-DEMO:   [VM] writes \"%s\" at guest physical %#" PRIx64
	       " (the CXL window base + 0x1000)\n", msg, gpa);
	snprintf(cmd, sizeof(cmd), "write 0x%" PRIx64 " %zu 0x%s", gpa, n, hex);
	ok = !qt(&vm, NULL, "%s", cmd);
	snprintf(cmd, sizeof(cmd), "read 0x%" PRIx64 " %zu\n", gpa, n);
	if (ok && write(vm.qt_in, cmd, strlen(cmd)) == (ssize_t)strlen(cmd)) {
		l = read_line(&vm, vm.qt_out);
		ok = l && !strncmp(l, "OK 0x", 5) && !strncmp(l + 5, hex, 2 * n);
		printf("VCP-DEMO:   [VM] reads it back through QEMU: %s\n", ok ? "the same bytes" : "different bytes");
	}
	result(ok, "the VM wrote the demo message through QEMU and read it back", ok ? NULL : "%s",
	       vm.why);
}

/* never leave a QEMU behind that holds the device */
static void cleanup(void)
{
	if (vm.pid > 0 && !vm.exited) {
		kill(vm.pid, SIGKILL);
		reap(&vm, 1);
	}
}

static void not_reached(const char *const *names, unsigned int from)
{
	unsigned int i;

	for (i = from; names[i]; i++)
		result(0, names[i], "not reached: %s", vm.why[0] ? vm.why : "an earlier step failed");
}

int main(int argc, char **argv)
{
	struct ctx c = { 0 };
	double t0 = now();
	int kill_it;

	if (argc < 4) {
		fprintf(stderr, "usage: %s <bdf> <host-hpa> first|second|third|plain|demo [kill|<message>]\n",
			argv[0]);
		return 2;
	}
	c.bdf = argv[1];
	c.host_hpa = strtoull(argv[2], NULL, 0);
	run_name = argv[3];
	kill_it = argc > 4 && !strcmp(argv[4], "kill");
	atexit(cleanup);

	if (!strcmp(run_name, "plain")) {
		struct range dpa;
		uint64_t win[8];
		int nwin, ret;

		if (vmm_start(&vm, c.bdf)) {
			result(0, "QEMU starts with the device bound to vfio-pci", "%s", vm.why);
			return 1;
		}
		result(1, "QEMU starts with the device bound to vfio-pci", NULL);
		if (memory_map(&dpa, win, &nwin))
			result(0, "no cxl-dpa region in the memory map", "%s", vm.why);
		else
			result(!dpa.end, "no cxl-dpa region in the memory map",
			       "cxl-dpa at %#" PRIx64, dpa.start);
		ret = vmm_quit(&vm);
		result(!ret, "QEMU quits cleanly", "%s", exit_desc(&vm));
		return failed;
	}

	{
		static const char *const steps[] = {
			"the device is CXL through VFIO before QEMU starts (DPA size, BAR0 layout)",
			"QEMU starts and answers QMP",
			NULL,
		};
		int ret = probe(&c);

		result(!ret, steps[0], ret ? "%s" : NULL, strerror(-ret));
		if (ret) {
			not_reached(steps, 1);
			return 1;
		}
		if (vmm_start(&vm, c.bdf)) {
			result(0, steps[1], "%s", vm.why);
			return 1;
		}
		result(1, steps[1], NULL);
	}

	check_map(&c, "");
	if (!c.fatal && !strcmp(run_name, "first"))
		check_read_before_mse(&c, "");
	if (!c.fatal)
		check_firmware(&c, "");
	if (!c.fatal)
		check_decoder(&c, "");
	if (!strcmp(run_name, "first") && !c.fatal) {
		check_seeds(&c);
		if (!c.fatal)
			write_set(&c, 1);
		if (!c.fatal)
			read_set(&c, 1, 1, "VM writes of set 1 read back");
		if (!c.fatal)
			vm_reset(&c);
		if (!c.fatal)
			check_read_before_mse(&c, "after the VM reset: ");
		if (!c.fatal)
			check_firmware(&c, "after the VM reset: ");
		if (!c.fatal)
			check_map(&c, "after the VM reset: ");
		if (!c.fatal)
			check_decoder(&c, "after the VM reset: ");
		if (!c.fatal)
			read_set(&c, 1, 1, "after the VM reset: set 1 is still there");
		if (!c.fatal)
			write_set(&c, 2);
		if (!c.fatal)
			read_set(&c, 2, 1, "after the VM reset: writes of set 2 read back");
	} else if (!strcmp(run_name, "second") && !c.fatal) {
		read_set(&c, 1, 0, "a second QEMU sees set 1, which the first wrote");
		if (!c.fatal)
			read_set(&c, 2, 1, "a second QEMU sees set 2, which the first wrote after its VM reset");
		if (!c.fatal)
			write_set(&c, 3);
		if (!c.fatal)
			read_set(&c, 3, 1, "VM writes of set 3 read back");
	} else if (!strcmp(run_name, "demo") && !c.fatal) {
		demo(&c, argc > 4 ? argv[4] : "hello");
	} else if (!strcmp(run_name, "third") && !c.fatal) {
		read_set(&c, 3, 1, "after a QEMU was killed: the next QEMU sees its set 3");
		if (!c.fatal)
			write_set(&c, 4);
		if (!c.fatal)
			read_set(&c, 4, 1, "VM writes of set 4 read back");
	}
	if (c.fatal)
		result(0, "the run went through all its steps", "stopped after a failure: %s", vm.why);

	if (kill_it && !c.fatal) {
		/* mid-run: queue writes QEMU has not answered yet, then SIGKILL */
		char cmd[64];
		int n = snprintf(cmd, sizeof(cmd), "writeq 0x%" PRIx64 " 0x1\n",
				 c.win + VMM_FIRST_PAGE_OFF(7));
		unsigned int i;

		for (i = 0; i < 100; i++)
			if (write(vm.qt_in, cmd, n) != n)
				break;
		kill(vm.pid, SIGKILL);
		reap(&vm, 1);
		result(vm.exited && WIFSIGNALED(vm.status) && WTERMSIG(vm.status) == SIGKILL,
		       "QEMU killed with SIGKILL mid-run", "%s", exit_desc(&vm));
	} else {
		int ret = vmm_quit(&vm);

		result(!ret, "QEMU quits cleanly (exit status 0)", "%s", exit_desc(&vm));
		check_stderr(vm.err);
	}
	printf("VCP-VMM: %s run: %.1f s in all, %u checks\n", run_name, now() - t0, reported);
	return failed;
}
