#include "tools/common/args.h"

#include <algorithm>

namespace gw::tools {

Result<Args> Args::parse(int argc, char** argv, int first, const std::vector<OptionSpec>& specs) {
    Args a;
    for (int i = first; i < argc; ++i) {
        const std::string arg = argv[i];
        if (arg.size() > 2 && arg.starts_with("--")) {
            std::string name = arg.substr(2), value;
            bool inline_value = false;
            if (const auto eq = name.find('='); eq != std::string::npos) {
                value = name.substr(eq + 1);
                name = name.substr(0, eq);
                inline_value = true;
            }
            const auto spec = std::find_if(specs.begin(), specs.end(), [&](const auto& s) { return s.name == name; });
            if (spec == specs.end()) return failure("unknown option --" + name + " (see --help)");
            if (spec->takes_value && !inline_value) {
                if (i + 1 >= argc) return failure("option --" + name + " needs a value");
                value = argv[++i];
            } else if (!spec->takes_value && inline_value) {
                return failure("option --" + name + " takes no value");
            }
            if (!spec->repeatable && a.values_.count(name)) return failure("option --" + name + " given twice");
            a.values_[name].push_back(value);
        } else {
            a.positional_.push_back(arg);
        }
    }
    return a;
}

std::optional<std::string> Args::get(const std::string& name) const {
    const auto it = values_.find(name);
    if (it == values_.end()) return std::nullopt;
    return it->second.front();
}

std::vector<std::string> Args::all(const std::string& name) const {
    const auto it = values_.find(name);
    return it == values_.end() ? std::vector<std::string>{} : it->second;
}

Result<std::string> Args::required(const std::string& name) const {
    auto v = get(name);
    if (!v || v->empty()) return failure("missing --" + name + " (see --help)");
    return *v;
}

}  // namespace gw::tools
