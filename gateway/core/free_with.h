#pragma once
// A unique_ptr deleter that calls a C library's own free function:
//   using PKey = std::unique_ptr<EVP_PKEY, gw::FreeWith<EVP_PKEY_free>>;
// Stateless, so the unique_ptr stays one pointer wide.
namespace gw {

template <auto Free>
struct FreeWith {
    template <class T>
    void operator()(T* p) const {
        Free(p);
    }
};

}  // namespace gw
