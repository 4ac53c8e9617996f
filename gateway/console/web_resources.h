#pragma once
// The console page (gateway/console/web/), compiled into the binary by embed.cmake.
#include <optional>
#include <string_view>

namespace gw::console {

struct WebResource {
    std::string_view body;
    std::string_view content_type;
};

/// "index.html", "app.js", "app.css"; nullopt for anything else.
std::optional<WebResource> web_resource(std::string_view name);

}  // namespace gw::console
