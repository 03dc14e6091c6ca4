#pragma once
// The dashboard's pages, scripts and styles, built from web/ by esbuild (npm, committed lockfile)
// and compiled into `deploy` (embed_assets.cmake): no CDN and no file on disk at run time.

#include <span>
#include <string_view>

namespace cutover::dashboard {

struct Asset {
  std::string_view path;  // as served: /index.html, /assets/app.js
  std::string_view content_type;
  std::string_view body;
  std::string_view etag;  // a hash of the body, quoted
};

/// Every embedded asset.
std::span<const Asset> assets();

/// The asset served at `path`, or null.
const Asset* find_asset(std::string_view path);

}  // namespace cutover::dashboard
