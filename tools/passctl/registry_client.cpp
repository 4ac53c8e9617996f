#include "tools/passctl/registry_client.h"


#include <optional>

#include "gateway/core/asio.h"
#include "gateway/sync/https_client.h"

namespace gw::passctl {

struct RegistryClient::Impl {
    RegistryTarget target;
    asio::io_context io;
    asio::strand<asio::io_context::executor_type> strand{asio::make_strand(io)};
    sync::HttpsClient client;

    Impl(const RegistryTarget& t, std::shared_ptr<asio::ssl::context> tls)
        : target(t), client(strand, std::move(tls), t.url) {
        if (!t.token.empty()) client.set_bearer(t.token);
    }

    // The client's home executor is the strand; running the io_context here until the one
    // request is done makes this thread that executor for the duration.
    template <class F>
    Result<RegistryAnswer> run(F make) {
        std::optional<expected<sync::HttpResponse, sync::HttpError>> out;
        asio::co_spawn(strand, make(), [&out](std::exception_ptr e, expected<sync::HttpResponse, sync::HttpError> r) {
            if (e) out = unexpected(sync::HttpError{sync::HttpFailure::kNetwork, "internal error"});
            else out = std::move(r);
        });
        io.restart();
        io.run();
        if (!out || !*out) {
            const auto why = out ? (*out).error() : sync::HttpError{sync::HttpFailure::kNetwork, "no answer"};
            return failure("cannot talk to the registry at " + target.url.text() + ": " +
                           std::string(sync::failure_name(why.kind)) + ": " + why.message);
        }
        return RegistryAnswer{(*out)->status, std::move((*out)->body)};
    }
};

RegistryClient::RegistryClient(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
RegistryClient::~RegistryClient() = default;

Result<std::unique_ptr<RegistryClient>> RegistryClient::create(const RegistryTarget& target) {
    auto tls = sync::make_client_tls(target.tls);
    if (!tls) return unexpected(tls.error());
    return std::unique_ptr<RegistryClient>(new RegistryClient(std::make_unique<Impl>(target, std::move(*tls))));
}

Result<RegistryAnswer> RegistryClient::get(const std::string& target, std::size_t max_body) {
    auto& d = *impl_;
    return d.run([&] { return d.client.get(target, max_body, d.target.timeout); });
}

Result<RegistryAnswer> RegistryClient::post(const std::string& target, std::string body, std::size_t max_body) {
    auto& d = *impl_;
    return d.run([&] {
        return d.client.post(target, std::move(body), "text/plain; charset=utf-8", max_body, d.target.timeout);
    });
}

}  // namespace gw::passctl
