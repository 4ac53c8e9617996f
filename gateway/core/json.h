#pragma once
// A small JSON writer for command output, the console API and benchmarks: objects and
// arrays built in order, strings escaped (UTF-8 passes through). Not a parser.
#include <cstdint>
#include <string>
#include <string_view>

namespace gw {

class JsonWriter {
public:
    JsonWriter& begin_object();
    JsonWriter& end_object();
    JsonWriter& begin_array();
    JsonWriter& end_array();
    JsonWriter& key(std::string_view k);
    JsonWriter& value(std::string_view v);
    JsonWriter& value(const char* v) { return value(std::string_view(v)); }
    JsonWriter& value(const std::string& v) { return value(std::string_view(v)); }
    JsonWriter& value(bool v);
    JsonWriter& value(std::int64_t v);
    JsonWriter& value(int v) { return value(static_cast<std::int64_t>(v)); }
    JsonWriter& value(std::uint64_t v);
    JsonWriter& value(unsigned v) { return value(static_cast<std::uint64_t>(v)); }
    JsonWriter& value(double v);
    JsonWriter& null();
    /// key(k).value(v)
    template <class T>
    JsonWriter& field(std::string_view k, const T& v) { return key(k).value(v); }
    const std::string& str() const { return out_; }

private:
    void separate();
    std::string out_;
    bool need_comma_ = false;
};

std::string json_escape(std::string_view s);

}  // namespace gw
