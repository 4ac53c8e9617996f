#pragma once
// Blocking HTTPS requests for tests, over gateway/sync's own client on a private io_context:
// talking to registryd's admin API and to servers that misbehave.
#include <future>
#include <memory>
#include <string>
#include <thread>

#include "gateway/core/asio.h"
#include "gateway/sync/https_client.h"

namespace gw::testing {

class HttpsFetch {
public:
    HttpsFetch(std::shared_ptr<asio::ssl::context> tls, const std::string& base_url, std::string bearer = {})
        : strand_(asio::make_strand(io_)), client_(strand_, std::move(tls), sync::parse_url(base_url).value()) {
        if (!bearer.empty()) client_.set_bearer(std::move(bearer));
    }

    expected<sync::HttpResponse, sync::HttpError> get(const std::string& target, std::size_t max_body = 64u << 20,
                                                      sync::Millis deadline = sync::Millis{10000}) {
        return run([&] { return client_.get(target, max_body, deadline); });
    }
    expected<sync::HttpResponse, sync::HttpError> post(const std::string& target, const std::string& body,
                                                       const std::string& type = "text/plain; charset=utf-8",
                                                       std::size_t max_body = 64u << 20,
                                                       sync::Millis deadline = sync::Millis{10000}) {
        return run([&] { return client_.post(target, body, type, max_body, deadline); });
    }

private:
    template <class F>
    expected<sync::HttpResponse, sync::HttpError> run(F make) {
        std::promise<expected<sync::HttpResponse, sync::HttpError>> done;
        asio::co_spawn(strand_, make(), [&](std::exception_ptr e, expected<sync::HttpResponse, sync::HttpError> r) {
            if (e) done.set_value(unexpected(sync::HttpError{sync::HttpFailure::kNetwork, "exception"}));
            else done.set_value(std::move(r));
        });
        io_.restart();
        io_.run();
        return done.get_future().get();
    }

    asio::io_context io_;
    asio::strand<asio::io_context::executor_type> strand_;
    sync::HttpsClient client_;
};

}  // namespace gw::testing
