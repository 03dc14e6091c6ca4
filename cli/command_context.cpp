#include "command_context.hpp"

#include <utility>

namespace cutover::cli {

std::expected<Cluster, int> connect_with_kubeconfig(const GlobalOptions& globals,
                                                    kube::ClientOptions options,
                                                    std::ostream& err) {
  auto connection = connect(globals, std::move(options), err);
  if (!connection)
    return std::unexpected(connection.error());
  std::shared_ptr<kube::RestClient> rest = std::move(connection->client);
  return Cluster{std::move(connection->config), rest,
                 [rest](const std::string& path) { return rest->get_path(path); }};
}

}  // namespace cutover::cli
