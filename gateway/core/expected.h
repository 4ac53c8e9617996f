#pragma once
// gw::expected / gw::unexpected: std::expected where the compiler can instantiate it.
//
// g++ 12 (the product build) gets std::expected itself. clang-14, which builds the
// libFuzzer targets, cannot instantiate libstdc++ 12's <expected> (it needs conditionally
// trivial destructors, P0848), so there, and only there, a minimal stand-in with the same
// names and semantics is used. Code uses gw::expected; nothing else may differ.
#include <utility>
#include <version>
#if defined(__cpp_lib_expected)
#include <expected>
namespace gw {
using std::expected;
using std::unexpected;
}  // namespace gw
#else
#include <cassert>
#include <type_traits>
#include <variant>
namespace gw {

template <class E>
class unexpected {
public:
    constexpr explicit unexpected(E e) : e_(std::move(e)) {}
    constexpr const E& error() const& noexcept { return e_; }
    constexpr E& error() & noexcept { return e_; }
    constexpr E&& error() && noexcept { return std::move(e_); }

private:
    E e_;
};
template <class E>
unexpected(E) -> unexpected<E>;

template <class T, class E>
class expected {
public:
    using value_type = T;
    using error_type = E;
    constexpr expected() requires std::is_default_constructible_v<T> : v_(std::in_place_index<0>) {}
    template <class U = T>
        requires std::is_constructible_v<T, U&&> &&
                 (!std::is_same_v<std::remove_cvref_t<U>, expected>) &&
                 (!std::is_same_v<std::remove_cvref_t<U>, unexpected<E>>)
    constexpr expected(U&& v) : v_(std::in_place_index<0>, std::forward<U>(v)) {}
    template <class G>
    constexpr expected(const unexpected<G>& u) : v_(std::in_place_index<1>, u.error()) {}
    template <class G>
    constexpr expected(unexpected<G>&& u) : v_(std::in_place_index<1>, std::move(u).error()) {}

    constexpr bool has_value() const noexcept { return v_.index() == 0; }
    constexpr explicit operator bool() const noexcept { return has_value(); }
    constexpr T& operator*() & { return std::get<0>(v_); }
    constexpr const T& operator*() const& { return std::get<0>(v_); }
    constexpr T&& operator*() && { return std::get<0>(std::move(v_)); }
    constexpr T* operator->() { return &std::get<0>(v_); }
    constexpr const T* operator->() const { return &std::get<0>(v_); }
    constexpr T& value() & { return std::get<0>(v_); }
    constexpr const T& value() const& { return std::get<0>(v_); }
    constexpr T&& value() && { return std::get<0>(std::move(v_)); }
    constexpr E& error() & { return std::get<1>(v_); }
    constexpr const E& error() const& { return std::get<1>(v_); }
    constexpr E&& error() && { return std::get<1>(std::move(v_)); }
    template <class U>
    constexpr T value_or(U&& d) const& { return has_value() ? **this : static_cast<T>(std::forward<U>(d)); }

private:
    std::variant<T, E> v_;
};

template <class E>
class expected<void, E> {
public:
    using value_type = void;
    using error_type = E;
    constexpr expected() noexcept = default;
    template <class G>
    constexpr expected(const unexpected<G>& u) : e_(u.error()), ok_(false) {}
    template <class G>
    constexpr expected(unexpected<G>&& u) : e_(std::move(u).error()), ok_(false) {}
    constexpr bool has_value() const noexcept { return ok_; }
    constexpr explicit operator bool() const noexcept { return ok_; }
    constexpr void operator*() const noexcept {}
    constexpr void value() const {}
    constexpr const E& error() const& { return e_; }
    constexpr E& error() & { return e_; }

private:
    E e_{};
    bool ok_ = true;
};

}  // namespace gw
#endif
