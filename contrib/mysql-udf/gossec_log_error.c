/*
 * gossec_log_error.c - a MySQL/MariaDB loadable function (UDF)
 *
 *   log_error(str) -> INTEGER
 *
 * Writes str followed by one newline to the server's standard error, which
 * mysqld/mariadbd points at its error log (log_error / --log-error). It is
 * what the triggers printed by `gossec mysql triggers` call: a trigger
 * cannot open a file, but a loadable function runs inside the server
 * process and can write to a descriptor the server already has open.
 *
 * Guarantees, and why:
 *  - one call writes exactly one line: CR and LF inside str become spaces,
 *    so a row value cannot start a forged line of its own in the log that
 *    gossec reads;
 *  - the line is handed to the kernel with a single write(2) where the size
 *    allows, so concurrent triggers of different connections do not
 *    interleave inside a line (the error log is opened for appending);
 *  - returns 0 when the line was written, 1 when the argument was NULL (no
 *    line) or the write failed. Triggers ignore the result (DO ...).
 *
 * Part of gossec; see README.md in this folder for building and loading.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <mysql.h>

/*
 * MySQL 8 replaced my_bool by C99 bool in the UDF prototypes; MariaDB and
 * older MySQL keep my_bool (a char). Both are returned in the same register,
 * but the declaration must match the headers in use.
 */
#if !defined(MARIADB_BASE_VERSION) && !defined(MARIADB_VERSION_ID) && \
    defined(MYSQL_VERSION_ID) && MYSQL_VERSION_ID >= 80000
#include <stdbool.h>
typedef bool gossec_bool;
#else
typedef my_bool gossec_bool;
#endif

#define GOSSEC_EXPORT __attribute__((visibility("default")))

GOSSEC_EXPORT gossec_bool log_error_init(UDF_INIT *initid, UDF_ARGS *args,
                                         char *message);
GOSSEC_EXPORT void log_error_deinit(UDF_INIT *initid);
GOSSEC_EXPORT long long log_error(UDF_INIT *initid, UDF_ARGS *args,
                                  char *is_null, char *error);

/* line_buf is the per-statement buffer kept in initid->ptr: it grows to the
 * longest line seen so that a trigger firing for many rows allocates once. */
struct line_buf {
	size_t cap;
	char *data;
};

gossec_bool log_error_init(UDF_INIT *initid, UDF_ARGS *args, char *message)
{
	struct line_buf *b;

	if (args->arg_count != 1) {
		/* message holds MYSQL_ERRMSG_SIZE (512) bytes */
		strncpy(message, "log_error() takes exactly one argument", 511);
		message[511] = '\0';
		return 1;
	}
	/* Let the server convert numbers and dates to text before the call. */
	args->arg_type[0] = STRING_RESULT;

	b = calloc(1, sizeof(*b));
	if (b == NULL) {
		strncpy(message, "log_error(): out of memory", 511);
		message[511] = '\0';
		return 1;
	}
	initid->ptr = (char *)b;
	initid->maybe_null = 0;
	initid->const_item = 0; /* every call has a side effect */
	return 0;
}

void log_error_deinit(UDF_INIT *initid)
{
	struct line_buf *b = (struct line_buf *)initid->ptr;

	if (b != NULL) {
		free(b->data);
		free(b);
		initid->ptr = NULL;
	}
}

/* write_all retries short writes and EINTR; it returns 0 on success. */
static int write_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

long long log_error(UDF_INIT *initid, UDF_ARGS *args, char *is_null,
                    char *error)
{
	struct line_buf *b = (struct line_buf *)initid->ptr;
	const char *s = args->args[0];
	size_t n = args->lengths[0];
	size_t i;

	*is_null = 0;
	(void)error; /* a failed write must not abort the user's statement */
	if (s == NULL)
		return 1;

	if (b->cap < n + 1) {
		char *p = realloc(b->data, n + 1);
		if (p == NULL)
			return 1;
		b->data = p;
		b->cap = n + 1;
	}
	for (i = 0; i < n; i++) {
		char c = s[i];
		b->data[i] = (c == '\n' || c == '\r') ? ' ' : c;
	}
	b->data[n] = '\n';
	return write_all(STDERR_FILENO, b->data, n + 1) == 0 ? 0 : 1;
}
