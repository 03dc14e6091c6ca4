// The bind-address flags: parsing, and the error a busy port gives (in the OS's words).
#include "util/listen_address.hpp"

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <string>

namespace cutover {
namespace {

TEST(ParseListenAddress, HostAndPort) {
  const auto parsed = parse_listen_address("127.0.0.1:8080", "--metrics-bind-address");
  ASSERT_TRUE(parsed) << parsed.error();
  EXPECT_EQ(parsed->host, "127.0.0.1");
  EXPECT_EQ(parsed->port, 8080);
}

TEST(ParseListenAddress, EmptyHostIsEveryInterface) {
  const auto parsed = parse_listen_address(":8081", "--health-probe-bind-address");
  ASSERT_TRUE(parsed) << parsed.error();
  EXPECT_EQ(parsed->host, "0.0.0.0");
  EXPECT_EQ(parsed->port, 8081);
}

TEST(ParseListenAddress, BracketedIpv6) {
  const auto parsed = parse_listen_address("[::1]:9000", "--metrics-bind-address");
  ASSERT_TRUE(parsed) << parsed.error();
  EXPECT_EQ(parsed->host, "::1");
  EXPECT_EQ(parsed->port, 9000);
}

TEST(ParseListenAddress, RefusesWhatIsNotHostColonPort) {
  for (const std::string address :
       {"web", "127.0.0.1:", "127.0.0.1:x", "127.0.0.1:70000", "127.0.0.1:-1", "127.0.0.1:80x"}) {
    const auto parsed = parse_listen_address(address, "--metrics-bind-address");
    ASSERT_FALSE(parsed) << address;
    EXPECT_EQ(parsed.error(), "cannot listen on " + address +
                                  " (--metrics-bind-address): expected HOST:PORT with a port "
                                  "from 0 to 65535, e.g. 0.0.0.0:8080");
  }
}

// A socket listening on 127.0.0.1 at a port the kernel picks; closed on destruction.
struct Listener {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  int port = 0;
  Listener() {
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t size = sizeof address;
    if (bind(fd, reinterpret_cast<sockaddr*>(&address), size) == 0 && listen(fd, 1) == 0 &&
        getsockname(fd, reinterpret_cast<sockaddr*>(&address), &size) == 0) {
      port = ntohs(address.sin_port);
    }
  }
  ~Listener() { close(fd); }
  Listener(const Listener&) = delete;
  Listener& operator=(const Listener&) = delete;
};

TEST(ListenError, BusyPortNamesAddressFlagAndReason) {
  const Listener busy;
  ASSERT_NE(busy.port, 0);
  const std::string address = "127.0.0.1:" + std::to_string(busy.port);
  EXPECT_EQ(listen_error(address, "--metrics-bind-address", "unknown"),
            "cannot listen on " + address + " (--metrics-bind-address): address already in use");
}

TEST(ListenError, FreePortFallsBackToTheServersReason) {
  int port = 0;
  {
    const Listener freed;
    port = freed.port;
  }
  ASSERT_NE(port, 0);
  const std::string address = "127.0.0.1:" + std::to_string(port);
  EXPECT_EQ(listen_error(address, "--health-probe-bind-address", "the address cannot be bound"),
            "cannot listen on " + address +
                " (--health-probe-bind-address): the address cannot be bound");
}

TEST(ListenError, UnparsableAddressIsTheParseError) {
  EXPECT_EQ(listen_error("web", "--metrics-bind-address", "unknown"),
            "cannot listen on web (--metrics-bind-address): expected HOST:PORT with a port from 0 "
            "to 65535, e.g. 0.0.0.0:8080");
}

}  // namespace
}  // namespace cutover
