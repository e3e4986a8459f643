// A scan flood for bench/scan-counting.bench.ts: UDP from random sources in 100.64.0.0/10 to
// ports 5060-5070 of one IPv4 address, at a fixed rate, for a fixed time. Raw IPv4 (the kernel
// fills in the IP checksum and id), written 64 packets per sendmmsg call and paced against
// CLOCK_MONOTONIC: one process reaches rates that python's one sendto per packet cannot.
//   scan-flood <destination> <packets per second> <seconds>
// Prints the packets sent and the CPU seconds the process spent in the kernel: on veth the
// receiving side's path often runs in the sender's system calls, not in a softirq.
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>

#define BATCH 64
#define PACKET 28

static uint32_t state = 2463534242u;

static uint32_t next_random(void) {
  state ^= state << 13;
  state ^= state >> 17;
  state ^= state << 5;
  return state;
}

static uint64_t now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void sleep_until(uint64_t ns) {
  struct timespec ts = {.tv_sec = (time_t)(ns / 1000000000u), .tv_nsec = (long)(ns % 1000000000u)};
  clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL);
}

/** IPv4 header (checksum and id left to the kernel) and an 8-byte UDP header without payload. */
static void fill(uint8_t *packet, uint32_t destination, uint64_t sequence) {
  uint32_t source = htonl((100u << 24 | 64u << 16) + (next_random() & 0x3fffff));
  uint16_t source_port = htons(40000), port = htons((uint16_t)(5060 + sequence % 11)), length = htons(8);
  memset(packet, 0, PACKET);
  packet[0] = 0x45;
  packet[3] = PACKET;
  packet[8] = 64;
  packet[9] = IPPROTO_UDP;
  memcpy(packet + 12, &source, 4);
  memcpy(packet + 16, &destination, 4);
  memcpy(packet + 20, &source_port, 2);
  memcpy(packet + 22, &port, 2);
  memcpy(packet + 24, &length, 2);
}

int main(int argc, char **argv) {
  if (argc != 4) {
    fprintf(stderr, "usage: scan-flood <destination> <packets per second> <seconds>\n");
    return 2;
  }
  struct sockaddr_in to = {.sin_family = AF_INET};
  double rate = atof(argv[2]), seconds = atof(argv[3]);
  if (inet_pton(AF_INET, argv[1], &to.sin_addr) != 1 || rate <= 0 || seconds <= 0) {
    fprintf(stderr, "scan-flood: bad destination, rate or duration\n");
    return 2;
  }
  int fd = socket(AF_INET, SOCK_RAW, IPPROTO_RAW);
  if (fd < 0) {
    perror("scan-flood: raw socket");
    return 1;
  }
  static uint8_t packets[BATCH][PACKET];
  static struct iovec iov[BATCH];
  static struct mmsghdr messages[BATCH];
  for (int i = 0; i < BATCH; i++) {
    iov[i] = (struct iovec){.iov_base = packets[i], .iov_len = PACKET};
    messages[i].msg_hdr = (struct msghdr){.msg_name = &to, .msg_namelen = sizeof to, .msg_iov = &iov[i], .msg_iovlen = 1};
  }
  uint64_t batch_ns = (uint64_t)(BATCH * 1e9 / rate), start = now_ns(), end = start + (uint64_t)(seconds * 1e9);
  uint64_t sent = 0, due = start, now = start;
  // Ends on time: when the kernel cannot take the rate, fewer packets go out, not a longer flood.
  while (now < end) {
    for (int i = 0; i < BATCH; i++) fill(packets[i], to.sin_addr.s_addr, sent + (uint64_t)i);
    int done = sendmmsg(fd, messages, BATCH, 0);
    if (done > 0) sent += (uint64_t)done;
    due += batch_ns;
    now = now_ns();
    if (due > now) {
      sleep_until(due);
      now = now_ns();
    }
  }
  struct rusage usage;
  getrusage(RUSAGE_SELF, &usage);
  printf("%llu %.3f\n", (unsigned long long)sent, (double)usage.ru_stime.tv_sec + usage.ru_stime.tv_usec / 1e6);
  return 0;
}
