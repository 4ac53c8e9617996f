#include "tools/registryd/registry.h"

#include <algorithm>
#include <fstream>
#include <map>
#include <sstream>

#include "gateway/core/codec.h"
#include "gateway/core/conf.h"
#include "gateway/core/text.h"
#include "gateway/credential/pass_codec.h"

namespace gw::registryd {
namespace {

using namespace gw::credential;

const std::string kSegments = "segments";
const std::string kIssued = "issued";
const std::string kHeadVersion = "head-version";

Bytes be64(std::uint64_t v) {
    Bytes b(8);
    for (int i = 7; i >= 0; --i, v >>= 8) b[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(v & 0xFF);
    return b;
}
std::uint64_t from_be64(const Bytes& b) {
    std::uint64_t v = 0;
    for (auto x : b) v = v << 8 | x;
    return v;
}
Bytes text_bytes(const std::string& s) { return Bytes(s.begin(), s.end()); }

std::string issuer_meta_key(std::uint32_t province, std::uint16_t key_id) {
    return "issuer/" + std::to_string(province) + "/" + std::to_string(key_id);
}
std::uint32_t issuer_index(std::uint32_t province, std::uint16_t key_id) { return province << 16 | key_id; }

bool valid_gateway_name(const std::string& s) {
    return !s.empty() && s.size() <= 64 && std::all_of(s.begin(), s.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.';
    });
}

}  // namespace

Registry::Registry(std::unique_ptr<store::LogStore> log, RegistryOptions options, sync::RegistryCert cert)
    : log_(std::move(log)), options_(std::move(options)), cert_(std::move(cert)) {}
Registry::~Registry() = default;

Result<std::unique_ptr<Registry>> Registry::open(const std::filesystem::path& dir, RegistryOptions options, TimePoint now) {
    auto cert = sync::parse_registry_cert(options.cert);
    if (!cert) return failure("registry certificate: " + cert.error().message);
    if (!sync::registry_cert_signature_ok(*cert)) return failure("registry certificate: the root's signature does not verify");
    if (!(public_of(options.key) == cert->key)) return failure("registry certificate: certifies another key than the registry's");
    if (options.max_entries_per_segment == 0) return failure("registry: max entries per segment must be at least 1");
    auto log = store::LogStore::open(dir, store::LogStoreOptions{options.sync_writes, 64u << 20});
    if (!log) return unexpected(log.error());
    std::unique_ptr<Registry> r(new Registry(std::move(*log), std::move(options), std::move(*cert)));
    if (auto ok = r->replay(); !ok) return unexpected(ok.error());
    r->export_all();
    {
        std::lock_guard lock(r->mutex_);
        if (r->latest_seq_ > 0) {
            if (auto ok = r->make_snapshot_locked(now); !ok) return unexpected(ok.error());
        } else if (auto ok = r->sign_head_locked(now, {}); !ok) {
            return unexpected(ok.error());
        } else {
            r->export_file("head", *r->head().bytes);
        }
    }
    return r;
}

Result<void> Registry::replay() {
    std::lock_guard lock(mutex_);
    for (std::uint64_t next = 1;;) {
        const auto chunk = log_->read(kSegments, next, 64, 64u << 20);
        if (chunk.empty()) break;
        for (const auto& rec : chunk) {
            auto seg = sync::parse_signed_segment(rec.data, SIZE_MAX);
            const auto where = "registry log: segment " + std::to_string(rec.seq - 1);
            if (!seg) return failure(where + ": " + seg.error().message);
            const auto& s = seg->body;
            if (s.index != segment_count_ || s.prev_hash != last_hash_ || s.first_seq != latest_seq_ + 1)
                return failure(where + ": does not follow the segment before (damaged store)");
            for (const auto& e : s.entries) {
                state_.apply(e);
                if (const auto* c = std::get_if<store::CertRecord>(&e.record))
                    if (auto cert = parse_certificate(c->signed_cert))
                        issuers_[issuer_index(cert->province, cert->key_id)].cert = *cert;
            }
            segment_count_ = s.index + 1;
            latest_seq_ = s.entries.back().seq;
            last_hash_ = seg->hash;
            next = rec.seq + 1;
        }
    }
    if (auto v = log_->meta(kHeadVersion)) version_ = from_be64(*v);
    for (const auto& [key, value] : log_->meta_prefix("issuer/")) {
        auto conf = parse_conf(as_string(value), key);
        if (!conf) return failure("registry: " + conf.error().message);
        ConfReader r(*conf, conf->sections.front());
        auto cert_b64 = r.text("certificate");
        if (!cert_b64) return failure("registry: " + cert_b64.error().message);
        auto cert = parse_certificate(from_base64(*cert_b64).value_or(Bytes{}));
        if (!cert) return failure("registry: " + key + ": " + cert.error().message);
        auto& issuer = issuers_[issuer_index(cert->province, cert->key_id)];
        issuer.cert = *cert;
        if (const auto* s = r.find("secret")) {
            auto sk = from_base64(s->value);
            if (!sk || sk->size() != 64) return failure("registry: " + key + ": bad secret key");
            SecretKey secret;
            std::copy(sk->begin(), sk->end(), secret.bytes.begin());
            issuer.secret = secret;
        }
    }
    return {};
}

void Registry::set_on_head(std::function<void()> f) {
    std::lock_guard lock(mutex_);
    on_head_ = std::move(f);
}

Result<void> Registry::sign_head_locked(TimePoint now, store::LogBatch batch) {
    sync::Head h;
    h.registry = cert_.registry;
    h.segment_count = segment_count_;
    h.latest_seq = latest_seq_;
    h.latest_segment_hash = last_hash_;
    h.issued_at = now;
    h.expires_at = now + options_.head_validity;
    h.version = version_ + 1;
    {
        std::lock_guard lock(publish_mutex_);
        if (!snapshots_.empty()) {
            h.snapshot_seq = snapshots_.back().seq;
            h.snapshot_segment_count = snapshots_.back().segment_count;
            h.snapshot_hash = snapshots_.back().hash;
        }
    }
    // The version is on disk before any gateway can see the head: after a crash the next head
    // gets a higher one, never a second head under a version already published.
    batch.put(kHeadVersion, be64(h.version));
    if (auto ok = log_->write(batch); !ok) return ok;
    version_ = h.version;
    issued_at_ = now;
    auto signed_head = sync::sign_head(h, options_.key, options_.cert);
    {
        std::lock_guard lock(publish_mutex_);
        head_ = {std::make_shared<const Bytes>(std::move(signed_head.bytes)), signed_head.hash, h.version};
    }
    return {};
}

Result<Appended> Registry::append_locked(std::vector<store::Record> records, TimePoint now, store::LogBatch batch) {
    if (records.empty()) return failure("nothing to append");
    // Each record goes through the gateway's own parser first: what a gateway would refuse
    // (a field out of range, a province this registry does not speak for) never enters the log.
    std::vector<sync::Entry> entries;
    entries.reserve(records.size());
    auto seq = latest_seq_;
    for (auto& r : records) {
        auto e = sync::parse_entry(sync::encode_entry(++seq, r));
        if (!e) return failure("record " + std::to_string(entries.size() + 1) + ": " + e.error().message);
        if (e->province && std::find(cert_.provinces.begin(), cert_.provinces.end(), e->province) == cert_.provinces.end())
            return failure("record " + std::to_string(entries.size() + 1) + ": province " + std::to_string(e->province) +
                           " is not one registry " + cert_.registry + " speaks for");
        entries.push_back(std::move(*e));
    }
    Appended out{latest_seq_ + 1, seq, segment_count_, 0};
    auto index = segment_count_;
    auto hash = last_hash_;
    std::vector<std::pair<std::uint64_t, Bytes>> exported;
    for (std::size_t i = 0; i < entries.size(); i += options_.max_entries_per_segment) {
        sync::Segment s;
        s.registry = cert_.registry;
        s.index = index;
        s.first_seq = entries[i].seq;
        s.prev_hash = hash;
        s.created_at = now;
        const auto end = std::min(entries.size(), i + options_.max_entries_per_segment);
        s.entries.assign(entries.begin() + static_cast<std::ptrdiff_t>(i), entries.begin() + static_cast<std::ptrdiff_t>(end));
        auto signed_segment = sync::sign_segment(s, options_.key, options_.cert);
        hash = signed_segment.hash;
        batch.append(kSegments, index + 1, signed_segment.bytes);
        exported.emplace_back(index, std::move(signed_segment.bytes));
        ++index;
        ++out.segments;
    }
    const auto saved = std::tuple{segment_count_, latest_seq_, last_hash_};
    segment_count_ = index;
    latest_seq_ = seq;
    last_hash_ = hash;
    if (auto ok = sign_head_locked(now, std::move(batch)); !ok) {
        std::tie(segment_count_, latest_seq_, last_hash_) = saved;
        return unexpected(ok.error());
    }
    for (const auto& e : entries) {
        state_.apply(e);
        if (const auto* c = std::get_if<store::CertRecord>(&e.record))
            if (auto cert = parse_certificate(c->signed_cert)) issuers_[issuer_index(cert->province, cert->key_id)].cert = *cert;
    }
    // Segments first, then the head: a file server never offers a head whose segments are not there yet.
    for (const auto& [i, bytes] : exported) export_file("segments/" + std::to_string(i), bytes);
    export_file("head", *head().bytes);
    return out;
}

Result<Appended> Registry::append(std::vector<store::Record> records, TimePoint now) {
    if (records.size() > options_.max_records_per_append)
        return failure(std::to_string(records.size()) + " records in one request: at most " +
                           std::to_string(options_.max_records_per_append) + " (max-records-per-request)",
                       ErrorKind::kTooLarge);
    {
        std::map<Bytes, std::size_t> seen;
        for (std::size_t i = 0; i < records.size(); ++i)
            if (const auto [at, fresh] = seen.emplace(sync::encode_entry(0, records[i]), i + 1); !fresh)
                return failure("record " + std::to_string(i + 1) + " repeats record " + std::to_string(at->second));
    }
    Result<Appended> out = failure("");
    std::function<void()> notify;
    {
        std::lock_guard lock(mutex_);
        out = append_locked(std::move(records), now, {});
        notify = on_head_;
    }
    if (out && notify) notify();
    return out;
}

Result<void> Registry::refresh_head(TimePoint now) {
    std::function<void()> notify;
    {
        std::lock_guard lock(mutex_);
        if (auto ok = sign_head_locked(now, {}); !ok) return ok;
        export_file("head", *head().bytes);
        notify = on_head_;
    }
    if (notify) notify();
    return {};
}

Result<std::uint64_t> Registry::make_snapshot(TimePoint now) {
    std::function<void()> notify;
    Result<std::uint64_t> seq = 0;
    {
        std::lock_guard lock(mutex_);
        seq = make_snapshot_locked(now);
        notify = on_head_;
    }
    if (seq && *seq && notify) notify();
    return seq;
}

Result<std::uint64_t> Registry::make_snapshot_locked(TimePoint now) {
    {
        if (latest_seq_ == 0) return std::uint64_t{0};
        {
            std::lock_guard p(publish_mutex_);
            if (!snapshots_.empty() && snapshots_.back().seq == latest_seq_) return latest_seq_;
        }
        sync::Snapshot s;
        s.registry = cert_.registry;
        s.seq = latest_seq_;
        s.segment_count = segment_count_;
        s.segment_hash = last_hash_;
        s.created_at = now;
        s.entries = state_.entries();
        auto signed_snapshot = sync::sign_snapshot(s, options_.key, options_.cert);
        export_file("snapshots/" + std::to_string(s.seq), signed_snapshot.bytes);
        {
            std::lock_guard p(publish_mutex_);
            snapshots_.push_back({s.seq, s.segment_count, signed_snapshot.hash,
                                  std::make_shared<const Bytes>(std::move(signed_snapshot.bytes))});
            if (snapshots_.size() > 2) {
                if (!options_.export_dir.empty()) {
                    std::error_code ec;
                    std::filesystem::remove(options_.export_dir / "snapshots" / std::to_string(snapshots_.front().seq), ec);
                }
                snapshots_.erase(snapshots_.begin());
            }
        }
        if (auto ok = sign_head_locked(now, {}); !ok) return unexpected(ok.error());
        export_file("head", *head().bytes);
        return s.seq;
    }
}

Result<IssuerInfo> Registry::add_issuer(ByteView signed_cert, std::optional<SecretKey> secret, TimePoint now) {
    auto cert = parse_certificate(signed_cert);
    if (!cert) return failure("issuer certificate: " + cert.error().message);
    if (std::find(cert_.provinces.begin(), cert_.provinces.end(), cert->province) == cert_.provinces.end())
        return failure("issuer certificate of province " + std::to_string(cert->province) + ": not one registry " +
                       cert_.registry + " speaks for");
    if (secret && !(public_of(*secret) == cert->key)) return failure("the secret key is not the certified key");
    store::LogBatch batch;
    std::string meta = "certificate = " + to_base64(serialize_certificate(*cert)) + "\n";
    if (secret) meta += "secret = " + to_base64(secret->bytes) + "\n";
    batch.put(issuer_meta_key(cert->province, cert->key_id), text_bytes(meta));
    std::function<void()> notify;
    {
        std::lock_guard lock(mutex_);
        auto appended = append_locked({store::CertRecord{serialize_certificate(*cert)}}, now, std::move(batch));
        if (!appended) return unexpected(appended.error());
        auto& issuer = issuers_[issuer_index(cert->province, cert->key_id)];
        issuer.cert = *cert;
        issuer.secret = secret;
        notify = on_head_;
    }
    if (notify) notify();
    return IssuerInfo{cert->province, cert->key_id, cert->name, secret.has_value()};
}

Result<IssuedPass> Registry::issue(Pass pass, TimePoint now) {
    std::function<void()> notify;
    IssuedPass out;
    {
        std::lock_guard lock(mutex_);
        const auto it = issuers_.find(issuer_index(pass.province(), pass.key_id));
        if (it == issuers_.end())
            return failure("no issuer key " + std::to_string(pass.key_id) + " of province " + std::to_string(pass.province()) +
                           " here");
        const auto& issuer = it->second;
        if (!issuer.secret) return failure("issuer key " + std::to_string(pass.key_id) + " is published here, its secret is not held");
        if (!issuer.cert.allows(pass.type)) return failure("the issuer key may not sign " + std::string(type_name(pass.type)) + " passes");
        if (!issuer.cert.scope.covers(pass.issuing_region))
            return failure("issuing region " + pass.issuing_region.text() + " is outside the issuer's scope " + issuer.cert.scope.prefix);
        if (!issuer.cert.valid_at(now)) return failure("the issuer's certificate is not valid now");
        if (pass.id.value == 0) pass.id.value = random_u64() >> 16;
        auto payload = sign_pass(pass, *issuer.secret);
        if (!payload) return unexpected(payload.error());
        out = {pass.id, pass.type, now, *payload};

        store::LogBatch batch;
        const auto n = log_->info(kIssued).last + 1;
        batch.append(kIssued, n,
                     text_bytes(pass.id.hex() + " " + std::string(type_name(pass.type)) + " " +
                                std::to_string(now.time_since_epoch().count()) + " " + *payload));
        if (pass.type == PassType::kCommuter) {
            // The two letters' records: the personal letter names its pass, the enterprise letter its firm.
            batch.put("letter/p/" + pass.issuing_region.text() + "/" + std::to_string(pass.personal_letter),
                      text_bytes(pass.id.hex()));
            batch.put("letter/e/" + pass.issuing_region.text() + "/" + std::to_string(pass.enterprise_letter),
                      text_bytes(pass.enterprise ? pass.enterprise->text : ""));
        }
        if (pass.type == PassType::kFreight) {
            auto appended = append_locked({store::FreightRecord{*payload, pass.plates}}, now, std::move(batch));
            if (!appended) return unexpected(appended.error());
            notify = on_head_;
        } else if (auto ok = log_->write(batch); !ok) {
            return unexpected(ok.error());
        }
    }
    if (notify) notify();
    return out;
}

sync::EventAck Registry::ingest(const std::string& gateway, const sync::EventBatch& batch) {
    std::lock_guard lock(events_mutex_);
    const auto stream = "events/" + gateway;
    const auto info = log_->info(stream);
    sync::EventAck ack;
    ack.stored_through = info.last;
    if (!valid_gateway_name(gateway)) {
        ack.error = "bad gateway name";
        return ack;
    }
    std::uint64_t last = info.last;
    sync::Hash last_hash{};
    if (last) {
        const auto held = log_->get(stream, last);
        if (held) last_hash = sync::event_hash(*held);
    }
    std::map<std::uint64_t, const Bytes*> this_batch;
    store::LogBatch write;
    for (const auto& bytes : batch.events) {
        auto e = sync::parse_event(bytes);
        if (!e) {
            ack.error = "event after " + std::to_string(last) + ": " + e.error().message;
            break;
        }
        const auto n = std::to_string(e->seq);
        if (e->gateway != gateway) {
            ack.error = "event " + n + " names gateway '" + one_line(e->gateway, 64) + "'";
            break;
        }
        if (e->seq <= last) {
            // Sent again (an upload whose answer was lost): stored once. A different event under
            // a number already held is an edit, refused.
            const auto in_batch = this_batch.find(e->seq);
            const auto held = in_batch != this_batch.end() ? std::optional<Bytes>(*in_batch->second) : log_->get(stream, e->seq);
            if (held && *held != bytes) {
                ack.error = "event " + n + " differs from the one held: edited";
                break;
            }
            ++ack.duplicates;
            continue;
        }
        if (last && e->seq != last + 1) {
            ack.error = "gap: event " + n + " after " + std::to_string(last);
            break;
        }
        if (last && e->prev_hash != last_hash) {
            ack.error = "event " + n + " does not chain to event " + std::to_string(last) + ": edited or reordered";
            break;
        }
        write.append(stream, e->seq, bytes);
        this_batch[e->seq] = &bytes;
        last = e->seq;
        last_hash = sync::event_hash(bytes);
        ++ack.stored;
    }
    if (!write.empty()) {
        if (auto ok = log_->write(write); !ok) {
            ack.stored = 0;
            ack.error = "storage: " + ok.error().message;
            return ack;
        }
    }
    ack.stored_through = last;
    duplicates_[gateway] += ack.duplicates;
    return ack;
}

HeadView Registry::head() const {
    std::lock_guard lock(publish_mutex_);
    return head_;
}

std::optional<Bytes> Registry::segment(std::uint64_t index) const { return log_->get(kSegments, index + 1); }

std::shared_ptr<const Bytes> Registry::snapshot(std::uint64_t seq) const {
    std::lock_guard lock(publish_mutex_);
    for (const auto& s : snapshots_)
        if (s.seq == seq) return s.bytes;
    return nullptr;
}

Summary Registry::summary() const {
    std::lock_guard lock(mutex_);
    Summary s;
    s.name = cert_.registry;
    s.provinces = cert_.provinces;
    s.latest_seq = latest_seq_;
    s.segments = segment_count_;
    s.head_version = version_;
    s.head_issued_at = issued_at_;
    {
        std::lock_guard p(publish_mutex_);
        s.snapshot_seq = snapshots_.empty() ? 0 : snapshots_.back().seq;
    }
    s.state = state_.counts();
    s.issued = log_->info(kIssued).count;
    for (const auto& [index, issuer] : issuers_)
        s.issuers.push_back({issuer.cert.province, issuer.cert.key_id, issuer.cert.name, issuer.secret.has_value()});
    s.export_failures = export_failures_.load();
    return s;
}

std::vector<IssuedPass> Registry::issued(std::size_t max) const {
    std::vector<IssuedPass> out;
    const auto info = log_->info(kIssued);
    const auto from = info.last > max ? info.last - max + 1 : 1;
    for (const auto& r : log_->read(kIssued, from, max)) {
        std::istringstream in(as_string(r.data));
        std::string id, type;
        long long at = 0;
        in >> id >> type >> at;
        std::string payload;
        std::getline(in, payload);
        IssuedPass p;
        p.id = parse_pass_id(id).value_or(PassId{});
        p.type = parse_pass_type(type).value_or(PassType::kCommuter);
        p.at = TimePoint{Seconds{at}};
        p.payload = payload.empty() ? payload : payload.substr(1);
        out.push_back(std::move(p));
    }
    return out;
}

std::optional<GatewayEvents> Registry::events(const std::string& gateway) const {
    const auto info = log_->info("events/" + gateway);
    if (info.last == 0) return std::nullopt;
    std::lock_guard lock(events_mutex_);
    const auto d = duplicates_.find(gateway);
    return GatewayEvents{gateway, info.first, info.last, info.count, d == duplicates_.end() ? 0 : d->second};
}

std::vector<std::string> Registry::gateways() const {
    std::vector<std::string> out;
    for (auto& s : log_->streams("events/")) out.push_back(s.substr(7));
    return out;
}

void Registry::export_file(const std::filesystem::path& relative, const Bytes& bytes) const {
    if (options_.export_dir.empty()) return;
    const auto path = options_.export_dir / relative;
    std::error_code ec;
    std::filesystem::create_directories(path.parent_path(), ec);
    // Write beside, then rename: a file server never serves half a file. A failure is counted
    // (state shows it); the log itself is safe in the store and exported again at start.
    const auto tmp = path.string() + ".tmp";
    {
        std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
        out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
        if (!out) return void(++export_failures_);
    }
    std::filesystem::rename(tmp, path, ec);
    if (ec) ++export_failures_;
}

void Registry::export_all() const {
    if (options_.export_dir.empty()) return;
    std::lock_guard lock(mutex_);
    for (std::uint64_t i = 0; i < segment_count_; ++i) {
        const auto path = options_.export_dir / "segments" / std::to_string(i);
        const auto bytes = log_->get(kSegments, i + 1);
        std::error_code ec;
        if (bytes && std::filesystem::file_size(path, ec) != bytes->size()) export_file("segments/" + std::to_string(i), *bytes);
    }
}

}  // namespace gw::registryd
