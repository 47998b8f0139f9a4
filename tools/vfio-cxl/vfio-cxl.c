// SPDX-License-Identifier: GPL-2.0-only
/*
 * vfio-cxl: list CXL devices and what vfio-cxl-pci made of them, bind and
 * unbind them, and show the module's state. See vfio-cxl(8).
 *
 * Copyright (C) 2026 The vfio-cxl-pci authors
 */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <libkmod.h>
#include <limits.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "pcidev.h"

extern char **environ;

#ifndef VFIO_CXL_VERSION
#define VFIO_CXL_VERSION "unknown"
#endif

#define DRV_NAME	"vfio-cxl-pci"
#define DRV_MODNAME	"vfio_cxl_pci"	/* the second spelling the module registers */
#define SYS_MODULE	"/sys/module/" DRV_MODNAME
#define DRIVERCTL_DIR	"/etc/driverctl.d"

/* exit codes, documented in vfio-cxl(8) */
enum {
	EXIT_OK		= 0,
	EXIT_FAIL	= 1,	/* the operation failed */
	EXIT_USAGE	= 2,	/* bad arguments, malformed address */
	EXIT_PLAIN	= 3,	/* bound, but as plain vfio-pci (reason printed) */
	EXIT_NOT_ROOT	= 4,
	EXIT_NO_DEVICE	= 5,	/* no PCI device at that address */
	EXIT_NOT_CXL	= 6,	/* the device has no CXL Device DVSEC */
	EXIT_IN_USE	= 7,	/* another driver has it, or a VFIO user */
};

static int fail(int code, const char *fmt, ...)
{
	va_list ap;

	fputs("vfio-cxl: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return code;
}

static bool ours(const char *driver)
{
	return !strcmp(driver, DRV_NAME) || !strcmp(driver, DRV_MODNAME);
}

static const char *cxl_type(const struct pcidev *d)
{
	if (d->cache_capable && d->mem_capable)
		return "2";
	if (d->mem_capable)
		return "3";
	if (d->cache_capable)
		return "1";
	return "unknown";
}

static void human(uint64_t bytes, char *buf, size_t len)
{
	static const char *const unit[] = { "B", "KiB", "MiB", "GiB", "TiB" };
	unsigned int u = 0;

	while (u < 4 && bytes >= 1024 && !(bytes % 1024)) {
		bytes /= 1024;
		u++;
	}
	snprintf(buf, len, "%" PRIu64 " %s", bytes, unit[u]);
}

/* the driver's state attributes (/sys/bus/pci/devices/BDF/vfio_cxl/) */
struct drv_state {
	bool present;
	char mode[16], reason[256], dpa_size[32], decoder_count[16], host_programming[32], open[8];
};

static void read_state(const char *bdf, struct drv_state *s)
{
	memset(s, 0, sizeof(*s));
	s->present = !pcidev_attr(bdf, "vfio_cxl/mode", s->mode, sizeof(s->mode));
	if (!s->present)
		return;
	pcidev_attr(bdf, "vfio_cxl/reason", s->reason, sizeof(s->reason));
	pcidev_attr(bdf, "vfio_cxl/dpa_size", s->dpa_size, sizeof(s->dpa_size));
	pcidev_attr(bdf, "vfio_cxl/decoder_count", s->decoder_count, sizeof(s->decoder_count));
	pcidev_attr(bdf, "vfio_cxl/host_programming", s->host_programming,
		    sizeof(s->host_programming));
	pcidev_attr(bdf, "vfio_cxl/open", s->open, sizeof(s->open));
}

static void json_str(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			printf("\\%c", *s);
		else if ((unsigned char)*s < 0x20)
			printf("\\u%04x", *s);
		else
			putchar(*s);
	}
	putchar('"');
}

static void print_json(const struct pcidev *d, bool first)
{
	struct drv_state s;
	unsigned int i;

	read_state(d->bdf, &s);
	printf("%s\n    {\"bdf\": ", first ? "" : ",");
	json_str(d->bdf);
	printf(", \"vendor\": \"%04x\", \"device\": \"%04x\", \"class\": \"%06x\",\n",
	       d->vendor, d->device, d->class);
	printf("     \"cxl_type\": \"%s\", \"cache_capable\": %s, \"io_capable\": %s,"
	       " \"mem_capable\": %s, \"hdm_count\": %u,\n",
	       cxl_type(d), d->cache_capable ? "true" : "false",
	       d->io_capable ? "true" : "false", d->mem_capable ? "true" : "false", d->hdm_count);
	printf("     \"decoders_error\": ");
	if (d->regs_error)
		json_str(d->regs_error);
	else
		printf("null");
	printf(", \"decoders\": [");
	for (i = 0; i < d->ndecoders; i++)
		printf("%s{\"index\": %u, \"committed\": %s, \"base\": %" PRIu64 ", \"size\": %" PRIu64 "}",
		       i ? ", " : "", i, d->dec[i].committed ? "true" : "false",
		       d->dec[i].base, d->dec[i].size);
	printf("],\n     \"driver\": ");
	if (d->driver[0])
		json_str(d->driver);
	else
		printf("null");
	printf(", \"iommu_group\": ");
	if (d->iommu_group >= 0)
		printf("%d", d->iommu_group);
	else
		printf("null");
	printf(", \"vfio_cxl\": ");
	if (!s.present) {
		printf("null}");
		return;
	}
	printf("{\"mode\": ");
	json_str(s.mode);
	printf(", \"reason\": ");
	json_str(s.reason);
	printf(", \"dpa_size\": %s, \"decoder_count\": %s, \"host_programming\": ",
	       s.dpa_size[0] ? s.dpa_size : "0", s.decoder_count[0] ? s.decoder_count : "0");
	json_str(s.host_programming);
	printf(", \"open\": %s}}", !strcmp(s.open, "1") ? "true" : "false");
}

static void print_text(const struct pcidev *d)
{
	struct drv_state s;
	unsigned int i, n = 0;
	char size[32];

	read_state(d->bdf, &s);
	printf("%s %04x:%04x CXL type %s (%s%s%s) driver=%s iommu_group=", d->bdf,
	       d->vendor, d->device, cxl_type(d), d->cache_capable ? "Cache " : "",
	       d->io_capable ? "IO " : "", d->mem_capable ? "Mem" : "",
	       d->driver[0] ? d->driver : "none");
	if (d->iommu_group >= 0)
		printf("%d\n", d->iommu_group);
	else
		printf("none\n");
	if (d->regs_error) {
		printf("  HDM decoders: unknown (%s)\n", d->regs_error);
	} else {
		printf("  HDM decoders: %u, committed:", d->ndecoders);
		for (i = 0; i < d->ndecoders; i++) {
			if (!d->dec[i].committed)
				continue;
			human(d->dec[i].size, size, sizeof(size));
			printf(" %u (%s)", i, size);
			n++;
		}
		printf("%s\n", n ? "" : " none");
	}
	if (!s.present)
		return;
	if (!strcmp(s.mode, "cxl")) {
		human(strtoull(s.dpa_size, NULL, 10), size, sizeof(size));
		printf("  vfio-cxl-pci: CXL passthrough, DPA %s, %s decoders, host programming %s, %s\n",
		       size, s.decoder_count, s.host_programming,
		       !strcmp(s.open, "1") ? "open" : "not open");
	} else {
		printf("  vfio-cxl-pci: plain vfio-pci (%s), %s\n", s.reason,
		       !strcmp(s.open, "1") ? "open" : "not open");
	}
}

static int bdf_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int cmd_list(bool json)
{
	char *names[1024];
	unsigned int n = 0, i, shown = 0;
	struct dirent *e;
	struct pcidev d;
	DIR *dir;
	int ret = EXIT_OK;

	dir = opendir(PCI_DEVICES);
	if (!dir)
		return fail(EXIT_FAIL, PCI_DEVICES ": %s", strerror(errno));
	while ((e = readdir(dir)) && n < 1024)
		if (e->d_name[0] != '.')
			names[n++] = strdup(e->d_name);
	closedir(dir);
	qsort(names, n, sizeof(names[0]), bdf_cmp);
	if (json)
		printf("{\"devices\": [");
	for (i = 0; i < n; i++) {
		int r = pcidev_read(names[i], &d);

		if (r == -EACCES) {
			ret = fail(EXIT_NOT_ROOT, "reading the PCIe extended configuration space needs root");
			break;
		}
		if (r || !d.cxl)
			continue;
		if (json)
			print_json(&d, !shown);
		else
			print_text(&d);
		shown++;
	}
	if (json)
		printf("%s]}\n", shown ? "\n  " : "");
	else if (!shown && ret == EXIT_OK)
		printf("no PCI device with a CXL Device DVSEC\n");
	for (i = 0; i < n; i++)
		free(names[i]);
	return ret;
}

/* load the module with libkmod, with its options from modprobe.d */
static int load_module(void)
{
	struct kmod_module *mod = NULL;
	struct kmod_ctx *ctx;
	int ret;

	ctx = kmod_new(NULL, NULL);
	if (!ctx)
		return fail(EXIT_FAIL, "libkmod: cannot create a context");
	ret = kmod_module_new_from_name(ctx, DRV_MODNAME, &mod);
	if (ret >= 0 && kmod_module_get_initstate(mod) == KMOD_MODULE_LIVE) {
		ret = EXIT_OK;
		goto out;
	}
	if (ret >= 0)
		ret = kmod_module_probe_insert_module(mod, 0, NULL, NULL, NULL, NULL);
	if (ret == -ENOENT)
		ret = fail(EXIT_FAIL, "module " DRV_NAME
			   " is not installed for this kernel (see 'dkms status')");
	else if (ret)
		ret = fail(EXIT_FAIL, "loading " DRV_NAME ": %s",
			   ret < 0 ? strerror(-ret) : "blacklisted or refused");
	else
		printf("loaded module " DRV_NAME " (options: %s)\n",
		       kmod_module_get_options(mod) ?: "none");
out:
	kmod_module_unref(mod);
	kmod_unref(ctx);
	return ret;
}

/* a program on PATH, for driverctl */
static bool on_path(const char *prog, char *out, size_t len)
{
	const char *path = getenv("PATH") ?: "/usr/sbin:/usr/bin:/sbin:/bin";
	char *copy = strdup(path), *dir, *save = NULL;
	bool found = false;

	for (dir = strtok_r(copy, ":", &save); dir && !found; dir = strtok_r(NULL, ":", &save)) {
		snprintf(out, len, "%s/%s", dir, prog);
		found = !access(out, X_OK);
	}
	free(copy);
	return found;
}

static int run(char *const argv[])
{
	int status;
	pid_t pid;

	if (posix_spawn(&pid, argv[0], NULL, NULL, argv, environ))
		return -1;
	if (waitpid(pid, &status, 0) < 0)
		return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* checks every command that changes a device makes first */
static int check_device(const char *arg, struct pcidev *d, char *bdf)
{
	int ret;

	if (!pcidev_valid_bdf(arg, bdf))
		return fail(EXIT_USAGE, "'%s' is not a PCI address (DDDD:BB:DD.F)", arg);
	if (geteuid())
		return fail(EXIT_NOT_ROOT, "binding and unbinding devices needs root");
	ret = pcidev_read(bdf, d);
	if (ret == -ENODEV)
		return fail(EXIT_NO_DEVICE, "no PCI device %s", bdf);
	if (ret)
		return fail(EXIT_FAIL, "%s: %s", bdf, strerror(-ret));
	if (!d->cxl)
		return fail(EXIT_NOT_CXL, "%s is not a CXL device (no CXL Device DVSEC)", bdf);
	return EXIT_OK;
}

static int report_bound(const char *bdf)
{
	struct drv_state s;
	char size[32];

	read_state(bdf, &s);
	if (!s.present)
		return fail(EXIT_FAIL, "%s is bound but shows no vfio_cxl state", bdf);
	if (strcmp(s.mode, "cxl")) {
		printf("%s: bound to " DRV_NAME " as plain vfio-pci: %s\n", bdf, s.reason);
		return EXIT_PLAIN;
	}
	human(strtoull(s.dpa_size, NULL, 10), size, sizeof(size));
	printf("%s: bound to " DRV_NAME " for CXL passthrough (DPA %s, %s HDM decoders)\n",
	       bdf, size, s.decoder_count);
	return EXIT_OK;
}

static int cmd_bind(const char *arg, bool persist, bool force)
{
	char bdf[16], path[PATH_MAX], driverctl[PATH_MAX];
	struct pcidev d;
	int ret, pid;

	ret = check_device(arg, &d, bdf);
	if (ret)
		return ret;
	if (ours(d.driver) && !persist) {
		printf("%s: already bound to %s\n", bdf, d.driver);
		return report_bound(bdf);
	}
	pid = pcidev_user(&d);
	if (pid)
		return fail(EXIT_IN_USE, "%s is in use: process %d holds its VFIO device open", bdf, pid);
	if (d.driver[0] && !ours(d.driver) && !force)
		return fail(EXIT_IN_USE, "%s is in use by driver %s (unbind it first, or pass --force)",
			    bdf, d.driver);
	if (persist && !on_path("driverctl", driverctl, sizeof(driverctl)))
		return fail(EXIT_FAIL, "--persist needs driverctl, which is not installed; nothing changed");
	ret = load_module();
	if (ret)
		return ret;
	if (persist) {
		char *argv[] = { driverctl, "set-override", bdf, DRV_NAME, NULL };

		ret = run(argv);
		if (ret)
			return fail(EXIT_FAIL, "driverctl set-override %s " DRV_NAME " failed (exit %d)",
				    bdf, ret);
		printf("%s: driverctl set-override " DRV_NAME
		       " (kept in " DRIVERCTL_DIR "/pci-%s, applied at every boot)\n",
		       bdf, bdf);
	} else {
		if (d.driver[0]) {
			snprintf(path, sizeof(path), PCI_DEVICES "/%s/driver/unbind", bdf);
			ret = pcidev_write(path, bdf);
			if (ret)
				return fail(EXIT_FAIL, "unbinding %s from %s: %s", bdf, d.driver,
					    strerror(-ret));
		}
		snprintf(path, sizeof(path), PCI_DEVICES "/%s/driver_override", bdf);
		ret = pcidev_write(path, DRV_NAME);
		if (!ret)
			ret = pcidev_write("/sys/bus/pci/drivers_probe", bdf);
		if (ret)
			return fail(EXIT_FAIL, "binding %s: %s", bdf, strerror(-ret));
	}
	ret = pcidev_read(bdf, &d);
	if (ret || !ours(d.driver))
		return fail(EXIT_FAIL, "%s did not bind to " DRV_NAME " (driver: %s); see the kernel log",
			    bdf, ret ? "unknown" : d.driver[0] ? d.driver : "none");
	return report_bound(bdf);
}

static int cmd_unbind(const char *arg)
{
	char bdf[16], path[PATH_MAX];
	struct stat st;
	struct pcidev d;
	int ret, pid;

	ret = check_device(arg, &d, bdf);
	if (ret)
		return ret;
	if (!ours(d.driver))
		return fail(EXIT_FAIL, "%s is not bound to " DRV_NAME " (driver: %s)", bdf,
			    d.driver[0] ? d.driver : "none");
	pid = pcidev_user(&d);
	if (pid)
		return fail(EXIT_IN_USE, "%s is in use: process %d holds its VFIO device open", bdf, pid);
	snprintf(path, sizeof(path), PCI_DEVICES "/%s/driver/unbind", bdf);
	ret = pcidev_write(path, bdf);
	if (ret)
		return fail(EXIT_FAIL, "unbinding %s: %s", bdf, strerror(-ret));
	snprintf(path, sizeof(path), PCI_DEVICES "/%s/driver_override", bdf);
	ret = pcidev_write(path, "\n");
	if (ret)
		return fail(EXIT_FAIL, "clearing the driver_override of %s: %s", bdf, strerror(-ret));
	printf("%s: unbound from %s; it has no driver now"
	       " (echo %s > /sys/bus/pci/drivers_probe gives it to its host driver)\n",
	       bdf, d.driver, bdf);
	snprintf(path, sizeof(path), DRIVERCTL_DIR "/pci-%s", bdf);
	if (!stat(path, &st))
		printf("%s: driverctl binds it again at boot (%s);"
		       " 'driverctl unset-override %s' removes that\n",
		       bdf, path, bdf);
	return EXIT_OK;
}

static int cmd_status(void)
{
	struct kmod_list *info = NULL, *l;
	struct kmod_module *mod = NULL;
	char path[PATH_MAX], val[256];
	struct kmod_ctx *ctx;
	struct dirent *e;
	unsigned int n = 0;
	DIR *dir;

	ctx = kmod_new(NULL, NULL);
	if (!ctx || kmod_module_new_from_name(ctx, DRV_MODNAME, &mod) < 0)
		return fail(EXIT_FAIL, "libkmod: cannot look up " DRV_NAME);
	if (kmod_module_get_initstate(mod) == KMOD_MODULE_LIVE) {
		if (!sysfs_read(SYS_MODULE "/version", val, sizeof(val)))
			printf("module: " DRV_NAME " loaded, version %s\n", val);
		else
			printf("module: " DRV_NAME " loaded, version unknown\n");
		printf("parameters:");
		dir = opendir(SYS_MODULE "/parameters");
		while (dir && (e = readdir(dir))) {
			if (e->d_name[0] == '.')
				continue;
			snprintf(path, sizeof(path), SYS_MODULE "/parameters/%s", e->d_name);
			if (!sysfs_read(path, val, sizeof(val)))
				printf(" %s=%s", e->d_name, val);
		}
		if (dir)
			closedir(dir);
		printf("\n");
	} else {
		printf("module: " DRV_NAME " not loaded\n");
	}
	printf("installed: %s", kmod_module_get_path(mod) ?: "not for this kernel");
	if (kmod_module_get_path(mod) && kmod_module_get_info(mod, &info) > 0) {
		kmod_list_foreach(l, info)
			if (!strcmp(kmod_module_info_get_key(l), "version"))
				printf(", version %s", kmod_module_info_get_value(l));
		kmod_module_info_free_list(info);
	}
	printf("\noptions from modprobe.d: %s\n", kmod_module_get_options(mod) ?: "none");
	printf("bound devices:");
	dir = opendir(PCI_DEVICES);
	while (dir && (e = readdir(dir))) {
		struct drv_state s;

		if (e->d_name[0] == '.')
			continue;
		read_state(e->d_name, &s);
		if (!s.present)
			continue;
		printf(" %s (%s%s)", e->d_name, s.mode, !strcmp(s.open, "1") ? ", open" : "");
		n++;
	}
	if (dir)
		closedir(dir);
	printf("%s\n", n ? "" : " none");
	kmod_module_unref(mod);
	kmod_unref(ctx);
	return EXIT_OK;
}

static int usage(int code)
{
	fprintf(code ? stderr : stdout,
		"usage: vfio-cxl list [--json]\n"
		"       vfio-cxl bind BDF [--persist] [--force]\n"
		"       vfio-cxl unbind BDF\n"
		"       vfio-cxl status\n"
		"       vfio-cxl --version\n");
	return code;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "persist", no_argument, NULL, 'p' },
		{ "force", no_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{}
	};
	bool json = false, persist = false, force = false;
	const char *cmd;
	int c;

	while ((c = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
		if (c == 'h')
			return usage(EXIT_OK);
		if (c == 'V') {
			printf("vfio-cxl " VFIO_CXL_VERSION "\n");
			return EXIT_OK;
		}
		return usage(EXIT_USAGE);
	}
	if (optind >= argc)
		return usage(EXIT_USAGE);
	/* the command's own options, anywhere after it: argv[0] is the command */
	argc -= optind;
	argv += optind;
	cmd = argv[0];
	optind = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 'j' && !strcmp(cmd, "list"))
			json = true;
		else if (c == 'p' && !strcmp(cmd, "bind"))
			persist = true;
		else if (c == 'f' && !strcmp(cmd, "bind"))
			force = true;
		else
			return usage(EXIT_USAGE);
	}
	if (!strcmp(cmd, "list") && optind == argc)
		return cmd_list(json);
	if (!strcmp(cmd, "status") && optind == argc)
		return cmd_status();
	if (!strcmp(cmd, "bind") && optind + 1 == argc)
		return cmd_bind(argv[optind], persist, force);
	if (!strcmp(cmd, "unbind") && optind + 1 == argc)
		return cmd_unbind(argv[optind]);
	return usage(EXIT_USAGE);
}
