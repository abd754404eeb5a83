/*
 * rtp_flood: keeps CALLS real-time G.711 µ-law RTP streams going to a daemon on loopback, for footprint and load
 * measurements (tools/bench/footprint.sh builds it with gcc).
 *
 * Every 20 ms tick it sends one 160-byte PCMU packet per call with sendmmsg, calls spread over PORTS consecutive
 * destination ports, each call its own SSRC (the daemon keys a stream by source address, port and SSRC). The audio
 * is a raw µ-law file played in a loop, each call starting at its own offset. Ticks follow an absolute clock, so a
 * late tick is caught up rather than dropped; at the end it prints packets sent, packets owed by the clock, and
 * how late the worst tick started, so the caller can tell whether the sender kept up.
 *
 * Usage: rtp_flood HOST FIRST_PORT PORTS CALLS SECONDS AUDIO.ul
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

enum {
    SAMPLES_PER_PACKET = 160,      /* 20 ms at 8 kHz */
    TICK_NS = 20 * 1000 * 1000,    /* packetisation interval */
    RTP_HEADER_BYTES = 12,
    PAYLOAD_TYPE_PCMU = 0,
    BATCH = 256,                   /* messages per sendmmsg call */
};

static int64_t now_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec;
}

int main(int argc, char **argv) {
    if (argc != 7) {
        fprintf(stderr, "usage: %s HOST FIRST_PORT PORTS CALLS SECONDS AUDIO.ul\n", argv[0]);
        return 2;
    }
    const char *host = argv[1];
    int first_port = atoi(argv[2]), ports = atoi(argv[3]), calls = atoi(argv[4]);
    double seconds = atof(argv[5]);
    if (ports < 1 || calls < 1 || seconds <= 0) {
        fprintf(stderr, "rtp_flood: PORTS, CALLS and SECONDS must be positive\n");
        return 2;
    }
    FILE *file = fopen(argv[6], "rb");
    if (!file) {
        perror(argv[6]);
        return 1;
    }
    fseek(file, 0, SEEK_END);
    long audio_bytes = ftell(file);
    rewind(file);
    if (audio_bytes < SAMPLES_PER_PACKET) {
        fprintf(stderr, "rtp_flood: %s holds less than one packet of audio\n", argv[6]);
        return 1;
    }
    uint8_t *audio = malloc((size_t)audio_bytes);
    if (fread(audio, 1, (size_t)audio_bytes, file) != (size_t)audio_bytes) {
        perror("fread");
        return 1;
    }
    fclose(file);
    long packets_in_audio = audio_bytes / SAMPLES_PER_PACKET;

    int sock = socket(AF_INET, SOCK_DGRAM, 0);
    int sndbuf = 8 << 20;
    setsockopt(sock, SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof sndbuf);
    struct sockaddr_in *targets = calloc((size_t)ports, sizeof *targets);
    for (int p = 0; p < ports; p++) {
        targets[p].sin_family = AF_INET;
        targets[p].sin_port = htons((uint16_t)(first_port + p));
        if (inet_pton(AF_INET, host, &targets[p].sin_addr) != 1) {
            fprintf(stderr, "rtp_flood: %s is not an IPv4 address\n", host);
            return 2;
        }
    }

    uint8_t (*packets)[RTP_HEADER_BYTES + SAMPLES_PER_PACKET] = calloc((size_t)calls, sizeof *packets);
    struct mmsghdr *messages = calloc((size_t)calls, sizeof *messages);
    struct iovec *vectors = calloc((size_t)calls, sizeof *vectors);
    for (int c = 0; c < calls; c++) {
        vectors[c].iov_base = packets[c];
        vectors[c].iov_len = sizeof packets[c];
        messages[c].msg_hdr.msg_name = &targets[c % ports];
        messages[c].msg_hdr.msg_namelen = sizeof targets[0];
        messages[c].msg_hdr.msg_iov = &vectors[c];
        messages[c].msg_hdr.msg_iovlen = 1;
    }

    long ticks = (long)(seconds * 1e9 / TICK_NS);
    long long sent = 0, send_errors = 0, late_ticks = 0;
    int64_t worst_late_ns = 0;
    int64_t start = now_ns();
    for (long tick = 0; tick < ticks; tick++) {
        int64_t due = start + (int64_t)tick * TICK_NS;
        int64_t late = now_ns() - due;
        if (late < 0) {
            struct timespec until = {.tv_sec = due / 1000000000, .tv_nsec = due % 1000000000};
            while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &until, NULL) == EINTR) {}
        } else {
            if (late > worst_late_ns) worst_late_ns = late;
            if (late > TICK_NS) late_ticks++;
        }
        for (int c = 0; c < calls; c++) {
            uint8_t *packet = packets[c];
            uint16_t sequence = (uint16_t)tick;
            uint32_t timestamp = (uint32_t)(tick * SAMPLES_PER_PACKET);
            uint32_t ssrc = 0x10000u + (uint32_t)c;
            packet[0] = 0x80;
            packet[1] = PAYLOAD_TYPE_PCMU;
            packet[2] = (uint8_t)(sequence >> 8);
            packet[3] = (uint8_t)sequence;
            for (int b = 0; b < 4; b++) {
                packet[4 + b] = (uint8_t)(timestamp >> (24 - 8 * b));
                packet[8 + b] = (uint8_t)(ssrc >> (24 - 8 * b));
            }
            long frame = (tick + (long)c * 37) % packets_in_audio;
            memcpy(packet + RTP_HEADER_BYTES, audio + frame * SAMPLES_PER_PACKET, SAMPLES_PER_PACKET);
        }
        for (int offset = 0; offset < calls;) {
            int count = calls - offset < BATCH ? calls - offset : BATCH;
            int done = sendmmsg(sock, messages + offset, (unsigned)count, 0);
            if (done < 0) {
                if (errno == EINTR) continue;
                send_errors++;
                offset += count;
                continue;
            }
            sent += done;
            offset += done;
        }
    }
    double elapsed = (double)(now_ns() - start) / 1e9;
    printf("sent=%lld owed=%lld send_errors=%lld late_ticks=%lld worst_late_ms=%.1f elapsed_s=%.2f pps=%.0f\n",
           sent, (long long)ticks * calls, send_errors, late_ticks, (double)worst_late_ns / 1e6, elapsed,
           (double)sent / elapsed);
    return 0;
}
