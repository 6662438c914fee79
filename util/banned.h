/*
 * banned.h - libc functions prismsync must not call.
 *
 * Each of these either writes past a buffer without being told its size
 * (strcpy, strcat, sprintf, vsprintf, gets), silently truncates or leaves a
 * string unterminated (strncpy, strncat), keeps hidden state (strtok,
 * asctime, ctime, localtime, gmtime), or cannot report an error (atoi, atol,
 * atoll, atof). Including this header after the system headers turns any use
 * into a compile error naming the function. Use buf_*, xstrdup, xasprintf,
 * strtol-based parse_* helpers, strtok_r and the *_r time functions instead.
 */
#ifndef PRISMSYNC_BANNED_H
#define PRISMSYNC_BANNED_H

#define BANNED(func) sorry_##func##_is_a_banned_function

#undef strcpy
#define strcpy(x, y) BANNED(strcpy)
#undef strcat
#define strcat(x, y) BANNED(strcat)
#undef strncpy
#define strncpy(x, y, n) BANNED(strncpy)
#undef strncat
#define strncat(x, y, n) BANNED(strncat)
#undef strtok
#define strtok(x, y) BANNED(strtok)
#undef sprintf
#define sprintf(...) BANNED(sprintf)
#undef vsprintf
#define vsprintf(...) BANNED(vsprintf)
#undef gets
#define gets(x) BANNED(gets)
#undef atoi
#define atoi(x) BANNED(atoi)
#undef atol
#define atol(x) BANNED(atol)
#undef atoll
#define atoll(x) BANNED(atoll)
#undef atof
#define atof(x) BANNED(atof)
#undef asctime
#define asctime(x) BANNED(asctime)
#undef ctime
#define ctime(x) BANNED(ctime)
#undef localtime
#define localtime(x) BANNED(localtime)
#undef gmtime
#define gmtime(x) BANNED(gmtime)

#endif
