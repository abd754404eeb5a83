/*
 * live_sender: plays N concurrent labelled calls in real time to a running `amd-edge run`, as RTP (PCMU/PCMA over
 * UDP) or as Vonage websocket calls (16-bit linear PCM over a minimal RFC 6455 client), for the live load
 * benchmark (tools/bench/live_load.py prepares its input and reads its output; see tools/bench/README.md).
 *
 * Pacing. Time is cut into sub-ticks of 20 ms / PHASES. Slot i (one of N concurrent calls) starts at sub-tick
 * i * STAGGER / N and then sends one 20 ms packet every PHASES sub-ticks, so the N calls' packets are spread over the
 * 20 ms period as independent calls' would be. Sub-tick u is due at start + u * (20 ms / PHASES) on CLOCK_MONOTONIC
 * (a timerfd in an epoll set, absolute time); a late sub-tick is caught up, never skipped, and its lateness is
 * recorded, so a run in which the sender fell behind shows it. When a slot's call has played its whole file, the
 * slot starts the next call (the next file of the list, a new SSRC or websocket) GAP later: calls loop for as long
 * as the run lasts.
 *
 * RTP. Each slot sends from its own UDP socket (or slot % SOCKETS of a smaller set) to destination port
 * FIRST + slot % PORTS, with sendmmsg, one call per socket batch. Loss, jitter and reordering are decided per
 * packet by a seeded hash of (seed, call, packet index), so live_load.py can recompute when each packet left:
 * a lost packet is not sent, a jittered one is sent up to JITTER ms late (later packets may overtake it), a
 * reordered one is held back one packet period and one sub-tick, behind its successor.
 *
 * Websocket. A slot opens its connection LEAD before the call starts (non-blocking connect, HTTP upgrade, then the
 * `websocket:connected` text message with `uuid` = the call's id), sends one masked binary frame of 20 ms every
 * PHASES sub-ticks, and at the end a close frame; the next call opens a new connection. A call whose connection
 * is not ready when due starts late (counted as a start slip; its stream time 0 is its first frame).
 *
 * Nothing is allocated per packet or frame: packets are built in per-slot rings, and the send queue of each
 * sub-tick is a preallocated bucket of a timing wheel.
 *
 * Output (in OUT_DIR): calls.tsv, one line per call: seq, slot, item, id (SSRC or websocket uuid), local port, first
 * sub-tick, wall time (CLOCK_REALTIME ns) at which stream time 0 was sent, packets in the file, sent, lost by the
 * sender's own loss setting, and 1 if the whole file was played; ticks.bin, for every sub-tick the CLOCK_REALTIME ns
 * (int64, little-endian) at which its sends completed. A JSON summary goes to stdout.
 *
 * Usage: live_sender --mode rtp|ws --items ITEMS.tsv --audio AUDIO.bin --calls N --seconds S --out OUT_DIR
 *        [--host 127.0.0.1] [--rtp-port FIRST] [--rtp-ports P] [--sockets K] [--ws-port PORT] [--ws-path /socket]
 *        [--ws-rate 8000|16000] [--phases 20] [--stagger-ms 10000] [--gap-ms 0] [--lead-ms 200]
 *        [--loss 0.0] [--jitter-ms 0] [--reorder 0.0] [--seed 1]
 * ITEMS.tsv: one line per audio file: byte offset and length in AUDIO.bin and RTP payload type (0 PCMU, 8 PCMA;
 * ignored for websockets, whose audio is 16-bit little-endian at --ws-rate).
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

enum {
    PACKET_MS = 20,
    RTP_SAMPLES = 160,            /* 20 ms at 8 kHz: one G.711 byte a sample */
    RTP_HEADER_BYTES = 12,
    RTP_PACKET_BYTES = RTP_HEADER_BYTES + RTP_SAMPLES,
    SEND_BATCH = 256,             /* messages per sendmmsg */
    WS_OUT_BYTES = 64 * 1024,     /* a websocket's queued, unsent bytes at most */
    WS_IN_BYTES = 2048,           /* the upgrade response, at most */
    WS_FRAME_HEADER_BYTES = 8,    /* 2 + 2 (16-bit length) + 4 (mask) */
    LATE_HISTOGRAM_MS = 10000,    /* lateness histogram range, 1 ms buckets */
    CLOSE_TIMEOUT_MS = 5000,      /* a closing websocket is dropped after this long */
};

#define NS_PER_MS 1000000LL
#define NS_PER_S 1000000000LL

/* ---- seeded per-packet decisions (live_load.py has the same functions) ---- */

static uint64_t mix64(uint64_t x) {
    x += 0x9E3779B97F4A7C15ULL;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
    return x ^ (x >> 31);
}

static double unit(uint64_t h) { return (double)(h >> 11) * (1.0 / 9007199254740992.0); }

/* Salt 0: loss, 1: jitter, 2: reorder, 3: sequence/timestamp origin. */
static uint64_t packet_hash(uint64_t seed, uint64_t call, uint64_t k, uint64_t salt) {
    return mix64(mix64(seed * 0x100000001B3ULL + mix64(call)) + k * 4 + salt);
}

static uint32_t call_ssrc(uint64_t seed, uint64_t call) {
    /* An odd multiplier is a bijection mod 2^32: no two calls of a run share an SSRC. */
    return (uint32_t)(call * 2654435761ULL + seed * 40503ULL + 0x1000ULL);
}

/* ---- options ---- */

struct options {
    const char *mode, *items, *audio, *out, *host, *ws_path;
    int calls, rtp_port, rtp_ports, sockets, ws_port, ws_rate, phases;
    double seconds, stagger_ms, gap_ms, lead_ms, loss, jitter_ms, reorder;
    uint64_t seed;
};

static void usage(const char *name) {
    fprintf(stderr,
            "usage: %s --mode rtp|ws --items ITEMS.tsv --audio AUDIO.bin --calls N --seconds S --out DIR\n"
            "  [--host H] [--rtp-port FIRST] [--rtp-ports P] [--sockets K] [--ws-port PORT] [--ws-path PATH]\n"
            "  [--ws-rate 8000|16000] [--phases 20] [--stagger-ms 10000] [--gap-ms 0] [--lead-ms 200]\n"
            "  [--loss P] [--jitter-ms MS] [--reorder P] [--seed N]\n",
            name);
    exit(2);
}

static struct options parse(int argc, char **argv) {
    struct options o = {.mode = "rtp", .host = "127.0.0.1", .ws_path = "/socket", .calls = 0, .rtp_ports = 1,
                        .ws_rate = 8000, .phases = 20, .stagger_ms = 10000, .lead_ms = 200, .seed = 1};
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (i + 1 >= argc) usage(argv[0]);
        const char *v = argv[++i];
        if (!strcmp(a, "--mode")) o.mode = v;
        else if (!strcmp(a, "--items")) o.items = v;
        else if (!strcmp(a, "--audio")) o.audio = v;
        else if (!strcmp(a, "--out")) o.out = v;
        else if (!strcmp(a, "--host")) o.host = v;
        else if (!strcmp(a, "--ws-path")) o.ws_path = v;
        else if (!strcmp(a, "--calls")) o.calls = atoi(v);
        else if (!strcmp(a, "--rtp-port")) o.rtp_port = atoi(v);
        else if (!strcmp(a, "--rtp-ports")) o.rtp_ports = atoi(v);
        else if (!strcmp(a, "--sockets")) o.sockets = atoi(v);
        else if (!strcmp(a, "--ws-port")) o.ws_port = atoi(v);
        else if (!strcmp(a, "--ws-rate")) o.ws_rate = atoi(v);
        else if (!strcmp(a, "--phases")) o.phases = atoi(v);
        else if (!strcmp(a, "--seconds")) o.seconds = atof(v);
        else if (!strcmp(a, "--stagger-ms")) o.stagger_ms = atof(v);
        else if (!strcmp(a, "--gap-ms")) o.gap_ms = atof(v);
        else if (!strcmp(a, "--lead-ms")) o.lead_ms = atof(v);
        else if (!strcmp(a, "--loss")) o.loss = atof(v);
        else if (!strcmp(a, "--jitter-ms")) o.jitter_ms = atof(v);
        else if (!strcmp(a, "--reorder")) o.reorder = atof(v);
        else if (!strcmp(a, "--seed")) o.seed = strtoull(v, NULL, 10);
        else usage(argv[0]);
    }
    int rtp = !strcmp(o.mode, "rtp"), ws = !strcmp(o.mode, "ws");
    if ((!rtp && !ws) || !o.items || !o.audio || !o.out || o.calls < 1 || o.seconds <= 0 || o.phases < 1 ||
        (rtp && (o.rtp_port < 1 || o.rtp_ports < 1)) || (ws && o.ws_port < 1) ||
        (o.ws_rate != 8000 && o.ws_rate != 16000))
        usage(argv[0]);
    if (o.sockets < 1 || o.sockets > o.calls) o.sockets = o.calls;
    return o;
}

/* ---- state ---- */

struct item {
    long offset, bytes;
    int payload_type;
};

struct call_record {
    long seq, slot, item, first_subtick, packets, sent, lost;
    uint32_t ssrc;
    int local_port, complete;
};

enum conn_state { C_FREE, C_CONNECTING, C_HANDSHAKE, C_READY, C_CLOSING };

struct conn {
    int fd, state, slot;
    long call;
    int64_t closing_since;
    uint32_t mask_state;
    size_t out_len, in_len;
    uint8_t out[WS_OUT_BYTES];
    char in[WS_IN_BYTES];
};

struct slot {
    long call;        /* index into records, -1 between calls */
    long next_u;      /* sub-tick of the next packet (or of the call's start) */
    long k, frames;   /* next packet index, packets in the file */
    int item, socket, conn;
    long calls_done;
    long produced;    /* packets built by this slot over all its calls: picks the ring entry */
    uint16_t seq0;
    uint32_t ts0;
    struct sockaddr_in target;
    uint8_t *ring;    /* RTP: RING packets of RTP_PACKET_BYTES */
};

struct bucket_entry {
    int slot, ring;
};

static int64_t mono_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (int64_t)t.tv_sec * NS_PER_S + t.tv_nsec;
}

static int64_t real_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_REALTIME, &t);
    return (int64_t)t.tv_sec * NS_PER_S + t.tv_nsec;
}

static void *must_calloc(size_t count, size_t size) {
    void *p = calloc(count ? count : 1, size);
    if (!p) {
        perror("calloc");
        exit(1);
    }
    return p;
}

/* Globals of one run (the program is one run). */
static struct options opt;
static struct item *items;
static int item_count;
static const uint8_t *audio;
static struct slot *slots;
static struct call_record *records;
static long record_count, record_capacity;
static int *socket_fds, *socket_ports;
static struct conn *conns;
static int conn_count, epoll_fd;
static long lead_u; /* websocket: sub-ticks between opening a connection and the call's first frame */
/* Websocket failures by stage: connect (SO_ERROR or no socket), closed during the upgrade, closed while streaming. */
static long long stat_ws_connect_failed, stat_ws_closed_in_upgrade, stat_ws_closed_streaming;
static long long stat_sent, stat_send_errors, stat_lost, stat_start_slips, stat_ws_errors, stat_ws_overflow,
    stat_ws_refused, stat_bucket_overflow;
static long ws_close_codes[5000];

/* ---- websocket client ---- */

static int frame_bytes_ws(void) { return opt.ws_rate / 1000 * PACKET_MS * 2; }

static void conn_watch(struct conn *c, int fd_op) {
    struct epoll_event ev = {.events = EPOLLIN | (c->out_len || c->state == C_CONNECTING ? EPOLLOUT : 0),
                             .data.u32 = (uint32_t)(c - conns) + 1};
    epoll_ctl(epoll_fd, fd_op, c->fd, &ev);
}

static void conn_release(struct conn *c) {
    if (c->fd >= 0) {
        epoll_ctl(epoll_fd, EPOLL_CTL_DEL, c->fd, NULL);
        close(c->fd);
    }
    c->fd = -1;
    c->state = C_FREE;
    c->call = -1;
    c->out_len = c->in_len = 0;
}

static int conn_flush(struct conn *c) {
    size_t done = 0;
    while (done < c->out_len) {
        ssize_t n = send(c->fd, c->out + done, c->out_len - done, MSG_NOSIGNAL | MSG_DONTWAIT);
        if (n < 0) {
            if (errno == EINTR) continue;
            if (errno == EAGAIN) break;
            return -1;
        }
        done += (size_t)n;
    }
    int had = c->out_len > 0;
    memmove(c->out, c->out + done, c->out_len - done);
    c->out_len -= done;
    if (had != (c->out_len > 0)) conn_watch(c, EPOLL_CTL_MOD);
    return 0;
}

/* Queues one masked frame (FIN set) and tries to send it. Returns 0, or -1 when it does not fit (dropped). */
static int conn_frame(struct conn *c, int opcode, const uint8_t *payload, size_t len) {
    size_t header = len < 126 ? 6 : WS_FRAME_HEADER_BYTES;
    if (c->out_len + header + len > WS_OUT_BYTES) {
        stat_ws_overflow++;
        return -1;
    }
    uint8_t *p = c->out + c->out_len;
    p[0] = (uint8_t)(0x80 | opcode);
    if (len < 126) {
        p[1] = (uint8_t)(0x80 | len);
    } else {
        p[1] = 0x80 | 126;
        p[2] = (uint8_t)(len >> 8);
        p[3] = (uint8_t)len;
    }
    c->mask_state ^= c->mask_state << 13;
    c->mask_state ^= c->mask_state >> 17;
    c->mask_state ^= c->mask_state << 5;
    uint8_t *mask = p + header - 4;
    memcpy(mask, &c->mask_state, 4);
    uint8_t *body = p + header;
    for (size_t i = 0; i < len; i++) body[i] = payload[i] ^ mask[i & 3];
    c->out_len += header + len;
    return conn_flush(c);
}

static int conn_open(int slot_index, long call) {
    int index = -1;
    for (int i = 0; i < conn_count; i++) {
        /* Connections are looked up from the slot's own pair first: slot s owns entries 2s and 2s+1. */
        int j = (2 * slot_index + i) % conn_count;
        if (conns[j].state == C_FREE) {
            index = j;
            break;
        }
    }
    if (index < 0) return -1;
    struct conn *c = &conns[index];
    c->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    if (c->fd < 0) return -1;
    int one = 1;
    setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    struct sockaddr_in to = {.sin_family = AF_INET, .sin_port = htons((uint16_t)opt.ws_port)};
    inet_pton(AF_INET, opt.host, &to.sin_addr);
    if (connect(c->fd, (struct sockaddr *)&to, sizeof to) < 0 && errno != EINPROGRESS) {
        close(c->fd);
        c->fd = -1;
        return -1;
    }
    c->state = C_CONNECTING;
    c->slot = slot_index;
    c->call = call;
    c->out_len = c->in_len = 0;
    c->mask_state = (uint32_t)mix64(opt.seed ^ (uint64_t)call) | 1u;
    conn_watch(c, EPOLL_CTL_ADD);
    return index;
}

static void conn_fail(struct conn *c) {
    stat_ws_errors++;
    conn_release(c);
}

static void conn_event(struct conn *c, uint32_t events) {
    if (c->state == C_CONNECTING && (events & (EPOLLOUT | EPOLLERR | EPOLLHUP))) {
        int err = 0;
        socklen_t len = sizeof err;
        getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &len);
        if (err) {
            stat_ws_connect_failed++;
            conn_fail(c);
            return;
        }
        struct sockaddr_in local;
        socklen_t local_len = sizeof local;
        getsockname(c->fd, (struct sockaddr *)&local, &local_len);
        records[c->call].local_port = ntohs(local.sin_port);
        int n = snprintf((char *)c->out, WS_OUT_BYTES,
                         "GET %s HTTP/1.1\r\nHost: %s:%d\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                         "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n",
                         opt.ws_path, opt.host, opt.ws_port);
        c->out_len = (size_t)n;
        c->state = C_HANDSHAKE;
        conn_watch(c, EPOLL_CTL_MOD);
        if (conn_flush(c) < 0) conn_fail(c);
        return;
    }
    if (events & EPOLLIN) {
        char scratch[4096];
        for (;;) {
            ssize_t n = recv(c->fd, scratch, sizeof scratch, MSG_DONTWAIT);
            if (n < 0 && errno == EINTR) continue;
            if (n < 0 && errno == EAGAIN) break;
            if (n <= 0) {
                /* The daemon closed (or reset) the connection. */
                if (c->state == C_CLOSING) {
                    conn_release(c);
                } else {
                    if (c->state == C_HANDSHAKE) stat_ws_closed_in_upgrade++;
                    else stat_ws_closed_streaming++;
                    conn_fail(c);
                }
                return;
            }
            if (c->state == C_HANDSHAKE) {
                size_t room = WS_IN_BYTES - 1 - c->in_len;
                size_t take = (size_t)n < room ? (size_t)n : room;
                memcpy(c->in + c->in_len, scratch, take);
                c->in_len += take;
                c->in[c->in_len] = 0;
                if (strstr(c->in, "\r\n\r\n")) {
                    if (strncmp(c->in, "HTTP/1.1 101", 12) != 0) {
                        stat_ws_refused++;
                        conn_fail(c);
                        return;
                    }
                    char header[256];
                    int len = snprintf(header, sizeof header,
                                       "{\"event\":\"websocket:connected\",\"content-type\":\"audio/l16;rate=%d\","
                                       "\"uuid\":\"lg-%llu-%ld\"}",
                                       opt.ws_rate, (unsigned long long)opt.seed, records[c->call].seq);
                    c->state = C_READY;
                    if (conn_frame(c, 1, (const uint8_t *)header, (size_t)len) < 0) {
                        conn_fail(c);
                        return;
                    }
                }
            } else if ((uint8_t)scratch[0] == 0x88 && n >= 4) {
                /* A close frame from the daemon: keep its code (1013 at --max-calls, 1008 idle, …). */
                int code = ((uint8_t)scratch[2] << 8) | (uint8_t)scratch[3];
                if (code >= 0 && code < 5000) ws_close_codes[code]++;
            }
        }
    }
    if ((events & EPOLLOUT) && c->fd >= 0 && conn_flush(c) < 0) conn_fail(c);
    if (c->state == C_CLOSING && c->fd >= 0 && c->out_len == 0) shutdown(c->fd, SHUT_WR);
}

/* ---- calls ---- */

static int item_frame_bytes(void) { return !strcmp(opt.mode, "rtp") ? RTP_SAMPLES : frame_bytes_ws(); }

static void start_call(int s, long u) {
    struct slot *sl = &slots[s];
    if (record_count >= record_capacity) {
        sl->next_u = -1; /* no room for more calls: the slot stops (capacity is sized for the run) */
        return;
    }
    long seq = record_count++;
    struct call_record *r = &records[seq];
    r->seq = seq;
    r->slot = s;
    r->item = (int)(seq % item_count);
    r->ssrc = call_ssrc(opt.seed, (uint64_t)seq);
    r->local_port = socket_ports ? socket_ports[sl->socket] : 0;
    r->first_subtick = -1;
    r->packets = items[r->item].bytes / item_frame_bytes();
    sl->call = seq;
    sl->item = r->item;
    sl->k = 0;
    sl->frames = r->packets;
    uint64_t origin = packet_hash(opt.seed, (uint64_t)seq, 0, 3);
    sl->seq0 = (uint16_t)origin;
    sl->ts0 = (uint32_t)(origin >> 32);
    sl->next_u = u;
    sl->conn = -1;
}

/* Whether the slot's websocket is still the one it opened for its call (a failed one may be reused). */
static int conn_owned(const struct slot *sl) {
    return sl->conn >= 0 && conns[sl->conn].state != C_FREE && conns[sl->conn].call == sl->call;
}

static void end_call(int s, long u, int complete) {
    struct slot *sl = &slots[s];
    records[sl->call].complete = complete;
    if (conn_owned(sl)) {
        struct conn *c = &conns[sl->conn];
        if (c->state == C_READY) {
            static const uint8_t normal_close[2] = {0x03, 0xE8}; /* 1000 */
            c->state = C_CLOSING;
            c->closing_since = mono_ns();
            if (conn_frame(c, 8, normal_close, sizeof normal_close) < 0) conn_release(c);
            else if (c->out_len == 0) shutdown(c->fd, SHUT_WR);
        } else {
            conn_release(c);
        }
    }
    sl->conn = -1;
    sl->call = -1;
    sl->calls_done++;
    long gap = (long)(opt.gap_ms / PACKET_MS + 0.5) * opt.phases;
    if (conns && gap < lead_u) gap = lead_u;
    sl->next_u = u + (gap > 0 ? gap : opt.phases);
}

int main(int argc, char **argv) {
    opt = parse(argc, argv);
    int rtp = !strcmp(opt.mode, "rtp");
    const int S = opt.phases;
    const int64_t subtick_ns = PACKET_MS * NS_PER_MS / S;
    const long total_u = (long)(opt.seconds * 1000 / PACKET_MS) * S;

    /* Items and audio. */
    FILE *f = fopen(opt.items, "r");
    if (!f) {
        perror(opt.items);
        return 1;
    }
    int capacity = 64;
    items = must_calloc((size_t)capacity, sizeof *items);
    struct item it;
    while (fscanf(f, "%ld %ld %d", &it.offset, &it.bytes, &it.payload_type) == 3) {
        if (item_count == capacity) {
            capacity *= 2;
            items = realloc(items, (size_t)capacity * sizeof *items);
        }
        items[item_count++] = it;
    }
    fclose(f);
    int audio_fd = open(opt.audio, O_RDONLY);
    struct stat st;
    if (audio_fd < 0 || fstat(audio_fd, &st) < 0) {
        perror(opt.audio);
        return 1;
    }
    audio = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE | MAP_POPULATE, audio_fd, 0);
    if (audio == MAP_FAILED || item_count == 0) {
        fprintf(stderr, "live_sender: no audio in %s / %s\n", opt.items, opt.audio);
        return 1;
    }
    long shortest = items[0].bytes;
    for (int i = 0; i < item_count; i++) {
        if (items[i].offset + items[i].bytes > st.st_size) {
            fprintf(stderr, "live_sender: item %d lies outside %s\n", i, opt.audio);
            return 1;
        }
        if (items[i].bytes < shortest) shortest = items[i].bytes;
    }
    long shortest_packets = shortest / item_frame_bytes();
    if (shortest_packets < 1) {
        fprintf(stderr, "live_sender: an item is shorter than one packet\n");
        return 1;
    }
    record_capacity = (long)opt.calls * (total_u / S / shortest_packets + 2);
    records = must_calloc((size_t)record_capacity, sizeof *records);

    /* Timing wheel for jittered / reordered RTP packets. */
    const long max_delay_u = (long)(opt.jitter_ms * S / PACKET_MS + 0.5) + (opt.reorder > 0 ? S + 1 : 0);
    const int ring = (int)(max_delay_u / S) + 2;
    const long wheel = max_delay_u + 1;
    const long bucket_capacity = (long)opt.calls * ((max_delay_u + 1 + S - 1) / S + 1);
    struct bucket_entry *buckets = NULL;
    long *bucket_len = NULL;
    struct mmsghdr *messages = NULL;
    struct iovec *vectors = NULL;
    int *socket_count = NULL, *socket_next = NULL;
    struct bucket_entry *sorted = NULL;

    slots = must_calloc((size_t)opt.calls, sizeof *slots);
    int *phase_members = must_calloc((size_t)opt.calls, sizeof *phase_members);
    int *phase_start = must_calloc((size_t)S + 1, sizeof *phase_start);
    const long stagger_u = (long)(opt.stagger_ms * S / PACKET_MS);
    for (int s = 0; s < opt.calls; s++) {
        slots[s].call = -1;
        slots[s].conn = -1;
        slots[s].next_u = (long)((double)stagger_u * s / opt.calls);
        slots[s].socket = s % opt.sockets;
        phase_start[slots[s].next_u % S + 1]++;
    }
    for (int g = 0; g < S; g++) phase_start[g + 1] += phase_start[g];
    {
        int *fill = must_calloc((size_t)S, sizeof *fill);
        for (int s = 0; s < opt.calls; s++) {
            int g = (int)(slots[s].next_u % S);
            phase_members[phase_start[g] + fill[g]++] = s;
        }
        free(fill);
    }

    epoll_fd = epoll_create1(0);
    int timer = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK);
    struct epoll_event timer_event = {.events = EPOLLIN, .data.u32 = 0};
    epoll_ctl(epoll_fd, EPOLL_CTL_ADD, timer, &timer_event);

    if (rtp) {
        socket_fds = must_calloc((size_t)opt.sockets, sizeof *socket_fds);
        socket_ports = must_calloc((size_t)opt.sockets, sizeof *socket_ports);
        for (int k = 0; k < opt.sockets; k++) {
            int fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
            struct sockaddr_in local = {.sin_family = AF_INET};
            inet_pton(AF_INET, opt.host, &local.sin_addr);
            socklen_t len = sizeof local;
            if (fd < 0 || bind(fd, (struct sockaddr *)&local, sizeof local) < 0 ||
                getsockname(fd, (struct sockaddr *)&local, &len) < 0) {
                perror("live_sender: UDP socket (raise ulimit -n?)");
                return 1;
            }
            socket_fds[k] = fd;
            socket_ports[k] = ntohs(local.sin_port);
        }
        for (int s = 0; s < opt.calls; s++) {
            slots[s].target.sin_family = AF_INET;
            slots[s].target.sin_port = htons((uint16_t)(opt.rtp_port + s % opt.rtp_ports));
            inet_pton(AF_INET, opt.host, &slots[s].target.sin_addr);
            slots[s].ring = must_calloc((size_t)ring, RTP_PACKET_BYTES);
        }
        buckets = must_calloc((size_t)(wheel * bucket_capacity), sizeof *buckets);
        bucket_len = must_calloc((size_t)wheel, sizeof *bucket_len);
        sorted = must_calloc((size_t)bucket_capacity, sizeof *sorted);
        messages = must_calloc((size_t)bucket_capacity, sizeof *messages);
        vectors = must_calloc((size_t)bucket_capacity, sizeof *vectors);
        socket_count = must_calloc((size_t)opt.sockets + 1, sizeof *socket_count);
        socket_next = must_calloc((size_t)opt.sockets + 1, sizeof *socket_next);
    } else {
        conn_count = 2 * opt.calls;
        conns = must_calloc((size_t)conn_count, sizeof *conns);
        for (int i = 0; i < conn_count; i++) conns[i].fd = -1;
    }

    int64_t *tick_real = must_calloc((size_t)total_u, sizeof *tick_real);
    long *late_histogram = must_calloc(LATE_HISTOGRAM_MS + 1, sizeof *late_histogram);
    long late_over_2ms = 0, late_over_20ms = 0;
    int64_t worst_late = 0;
    lead_u = (long)(opt.lead_ms / PACKET_MS + 0.5) * S;
    const int frame = item_frame_bytes();
    struct epoll_event events[256];

    const int64_t start = mono_ns() + 100 * NS_PER_MS;
    const int64_t real_start = real_ns();
    long u = 0;
    long long close_check = 0;
    while (u < total_u) {
        const int64_t due = start + (int64_t)u * subtick_ns;
        int64_t now = mono_ns();
        if (now < due) {
            struct itimerspec at = {.it_value = {.tv_sec = due / NS_PER_S, .tv_nsec = due % NS_PER_S}};
            timerfd_settime(timer, TFD_TIMER_ABSTIME, &at, NULL);
        }
        /* Serve sockets until the sub-tick is due (a websocket's events arrive here too). */
        while (now < due || rtp == 0) {
            int n = epoll_wait(epoll_fd, events, 256, now < due ? -1 : 0);
            for (int e = 0; e < n; e++) {
                if (events[e].data.u32 == 0) {
                    uint64_t expirations;
                    if (read(timer, &expirations, sizeof expirations) < 0) { /* spurious wake-up */ }
                } else {
                    conn_event(&conns[events[e].data.u32 - 1], events[e].events);
                }
            }
            now = mono_ns();
            if (now >= due && (rtp || n < 256)) break;
        }
        const int64_t late = now - due;
        if (late > worst_late) worst_late = late;
        if (late > 2 * NS_PER_MS) late_over_2ms++;
        if (late > PACKET_MS * NS_PER_MS) late_over_20ms++;
        long late_ms = late / NS_PER_MS;
        late_histogram[late_ms > LATE_HISTOGRAM_MS ? LATE_HISTOGRAM_MS : late_ms]++;

        const int g = (int)(u % S);
        const long b = u % wheel;
        for (int m = phase_start[g]; m < phase_start[g + 1]; m++) {
            const int s = phase_members[m];
            struct slot *sl = &slots[s];
            if (sl->next_u < 0) continue;
            if (!rtp && sl->call < 0 && sl->conn < 0 && u >= sl->next_u - lead_u && u <= sl->next_u) {
                /* Open the next call's websocket LEAD ahead of its start. */
                start_call(s, sl->next_u);
                if (sl->call >= 0) {
                    sl->conn = conn_open(s, sl->call);
                    if (sl->conn < 0) stat_ws_errors++, stat_ws_connect_failed++;
                }
            }
            if (sl->next_u != u) continue;
            if (sl->call < 0) start_call(s, u);
            if (sl->call < 0) continue;
            struct call_record *r = &records[sl->call];
            if (!rtp) {
                if (sl->conn < 0 && sl->k == 0) {
                    sl->conn = conn_open(s, sl->call);
                    if (sl->conn < 0) stat_ws_errors++, stat_ws_connect_failed++;
                }
                if (!conn_owned(sl)) {
                    /* The connection failed or the daemon closed it: the call ends here, the slot moves on. */
                    end_call(s, u, 0);
                    continue;
                }
                struct conn *c = &conns[sl->conn];
                if (c->state != C_READY) {
                    stat_start_slips++;
                    sl->next_u = u + S;
                    continue;
                }
                if (sl->k == 0) r->first_subtick = u;
                const uint8_t *payload = audio + items[sl->item].offset + sl->k * frame;
                if (conn_frame(c, 2, payload, (size_t)frame) == 0) {
                    r->sent++;
                    stat_sent++;
                } else {
                    stat_send_errors++;
                }
                if (!conn_owned(sl)) {
                    end_call(s, u, 0);
                    continue;
                }
            } else {
                if (sl->k == 0) r->first_subtick = u;
                const uint64_t call = (uint64_t)sl->call, k = (uint64_t)sl->k;
                if (opt.loss > 0 && unit(packet_hash(opt.seed, call, k, 0)) < opt.loss) {
                    r->lost++;
                    stat_lost++;
                } else {
                    long delay = 0;
                    if (opt.jitter_ms > 0)
                        delay = (long)(unit(packet_hash(opt.seed, call, k, 1)) *
                                       (double)((long)(opt.jitter_ms * S / PACKET_MS + 0.5) + 1));
                    if (opt.reorder > 0 && unit(packet_hash(opt.seed, call, k, 2)) < opt.reorder) delay += S + 1;
                    /* Counted over the slot's calls, not per call: a new call's first packets must not overwrite
                     * the previous call's last ones while they wait in the wheel. */
                    const int slot_ring = (int)(sl->produced++ % ring);
                    uint8_t *p = sl->ring + (size_t)slot_ring * RTP_PACKET_BYTES;
                    const uint16_t sequence = (uint16_t)(sl->seq0 + sl->k);
                    const uint32_t timestamp = sl->ts0 + (uint32_t)(sl->k * RTP_SAMPLES);
                    p[0] = 0x80;
                    p[1] = (uint8_t)items[sl->item].payload_type;
                    p[2] = (uint8_t)(sequence >> 8);
                    p[3] = (uint8_t)sequence;
                    for (int i = 0; i < 4; i++) {
                        p[4 + i] = (uint8_t)(timestamp >> (24 - 8 * i));
                        p[8 + i] = (uint8_t)(r->ssrc >> (24 - 8 * i));
                    }
                    memcpy(p + RTP_HEADER_BYTES, audio + items[sl->item].offset + sl->k * RTP_SAMPLES, RTP_SAMPLES);
                    const long target = (u + delay) % wheel;
                    if (bucket_len[target] < bucket_capacity) {
                        buckets[target * bucket_capacity + bucket_len[target]++] =
                            (struct bucket_entry){.slot = s, .ring = slot_ring};
                        r->sent++;
                    } else {
                        stat_bucket_overflow++;
                    }
                }
            }
            sl->k++;
            sl->next_u = u + S;
            if (sl->k >= sl->frames) end_call(s, u, 1);
        }

        if (rtp && bucket_len[b] > 0) {
            /* Group this sub-tick's packets by socket (counting sort), then one sendmmsg per socket run. */
            const long n = bucket_len[b];
            const struct bucket_entry *entries = buckets + b * bucket_capacity;
            memset(socket_count, 0, (size_t)(opt.sockets + 1) * sizeof *socket_count);
            for (long i = 0; i < n; i++) socket_count[slots[entries[i].slot].socket + 1]++;
            for (int k = 0; k < opt.sockets; k++) socket_count[k + 1] += socket_count[k];
            memcpy(socket_next, socket_count, (size_t)(opt.sockets + 1) * sizeof *socket_next);
            for (long i = 0; i < n; i++) sorted[socket_next[slots[entries[i].slot].socket]++] = entries[i];
            for (long i = 0; i < n; i++) {
                struct slot *sl = &slots[sorted[i].slot];
                vectors[i].iov_base = sl->ring + (size_t)sorted[i].ring * RTP_PACKET_BYTES;
                vectors[i].iov_len = RTP_PACKET_BYTES;
                messages[i].msg_hdr.msg_name = &sl->target;
                messages[i].msg_hdr.msg_namelen = sizeof sl->target;
                messages[i].msg_hdr.msg_iov = &vectors[i];
                messages[i].msg_hdr.msg_iovlen = 1;
            }
            for (long i = 0; i < n;) {
                const int sock = slots[sorted[i].slot].socket;
                long run = 1;
                while (i + run < n && slots[sorted[i + run].slot].socket == sock && run < SEND_BATCH) run++;
                int done = sendmmsg(socket_fds[sock], messages + i, (unsigned)run, 0);
                if (done < 0) {
                    if (errno == EINTR) continue;
                    stat_send_errors += run;
                    i += run;
                    continue;
                }
                if (done == 0) done = 1, stat_send_errors++;
                else stat_sent += done;
                i += done;
            }
            bucket_len[b] = 0;
        }
        tick_real[u] = real_ns();

        if (!rtp && ++close_check % (1000L * S / PACKET_MS) == 0) {
            /* Once a second: drop closing websockets the daemon never finished closing. */
            const int64_t limit = mono_ns() - CLOSE_TIMEOUT_MS * NS_PER_MS;
            for (int i = 0; i < conn_count; i++)
                if (conns[i].state == C_CLOSING && conns[i].closing_since < limit) conn_release(&conns[i]);
        }
        u++;
    }
    const int64_t elapsed = mono_ns() - start;

    /* Calls still playing are cut here; their websockets close. */
    for (int s = 0; s < opt.calls; s++)
        if (slots[s].call >= 0) end_call(s, total_u, 0);
    if (!rtp) {
        const int64_t until = mono_ns() + 3 * NS_PER_S;
        int open = 1;
        while (open && mono_ns() < until) {
            int n = epoll_wait(epoll_fd, events, 256, 100);
            for (int e = 0; e < n; e++)
                if (events[e].data.u32) conn_event(&conns[events[e].data.u32 - 1], events[e].events);
            open = 0;
            for (int i = 0; i < conn_count; i++) open |= conns[i].state != C_FREE;
        }
        for (int i = 0; i < conn_count; i++)
            if (conns[i].state != C_FREE) conn_release(&conns[i]);
    }

    /* Output. */
    char path[4096];
    snprintf(path, sizeof path, "%s/calls.tsv", opt.out);
    FILE *out = fopen(path, "w");
    if (!out) {
        perror(path);
        return 1;
    }
    fprintf(out, "seq\tslot\titem\tid\tlocal_port\tfirst_subtick\tt0_real_ns\tpackets\tsent\tlost\tcomplete\n");
    for (long i = 0; i < record_count; i++) {
        const struct call_record *r = &records[i];
        char id[64];
        if (rtp) snprintf(id, sizeof id, "%u", r->ssrc);
        else snprintf(id, sizeof id, "lg-%llu-%ld", (unsigned long long)opt.seed, r->seq);
        const int64_t t0 = r->first_subtick >= 0 ? tick_real[r->first_subtick] : 0;
        fprintf(out, "%ld\t%ld\t%ld\t%s\t%d\t%ld\t%lld\t%ld\t%ld\t%ld\t%d\n", r->seq, r->slot, r->item, id,
                r->local_port, r->first_subtick, (long long)t0, r->packets, r->sent, r->lost, r->complete);
    }
    fclose(out);
    snprintf(path, sizeof path, "%s/ticks.bin", opt.out);
    out = fopen(path, "wb");
    if (!out || fwrite(tick_real, sizeof *tick_real, (size_t)total_u, out) != (size_t)total_u) {
        perror(path);
        return 1;
    }
    fclose(out);

    long seen = 0, p50 = -1, p99 = -1, p999 = -1;
    for (int ms = 0; ms <= LATE_HISTOGRAM_MS; ms++) {
        seen += late_histogram[ms];
        if (p50 < 0 && seen * 2 >= total_u) p50 = ms;
        if (p99 < 0 && seen * 100 >= total_u * 99) p99 = ms;
        if (p999 < 0 && seen * 1000 >= total_u * 999) p999 = ms;
    }
    printf("{\"mode\":\"%s\",\"calls\":%d,\"seconds\":%.1f,\"elapsed_s\":%.3f,\"real_start_ns\":%lld,"
           "\"phases\":%d,\"subticks\":%ld,\"sent\":%lld,\"send_errors\":%lld,\"lost_by_design\":%lld,"
           "\"call_records\":%ld,\"late_subticks_over_2ms\":%ld,\"late_subticks_over_20ms\":%ld,"
           "\"late_ms_p50\":%ld,\"late_ms_p99\":%ld,\"late_ms_p999\":%ld,\"worst_late_ms\":%.1f,"
           "\"start_slips\":%lld,\"ws_errors\":%lld,\"ws_connect_failed\":%lld,\"ws_closed_in_upgrade\":%lld,"
           "\"ws_closed_streaming\":%lld,\"ws_refused\":%lld,\"ws_overflow\":%lld,"
           "\"bucket_overflow\":%lld,\"ws_close_codes\":{",
           opt.mode, opt.calls, opt.seconds, (double)elapsed / 1e9, (long long)real_start, S, total_u, stat_sent,
           stat_send_errors, stat_lost, record_count, late_over_2ms, late_over_20ms, p50, p99, p999,
           (double)worst_late / 1e6, stat_start_slips, stat_ws_errors, stat_ws_connect_failed,
           stat_ws_closed_in_upgrade, stat_ws_closed_streaming, stat_ws_refused, stat_ws_overflow,
           stat_bucket_overflow);
    int first = 1;
    for (int code = 0; code < 5000; code++)
        if (ws_close_codes[code]) {
            printf("%s\"%d\":%ld", first ? "" : ",", code, ws_close_codes[code]);
            first = 0;
        }
    printf("}}\n");
    return 0;
}
