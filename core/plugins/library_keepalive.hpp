// Objects that come from a plugin must not outlive the plugin's shared library: their
// destructors, vtables and std::function managers are code inside it. These helpers tie an
// object's lifetime to a reference on the library.
#pragma once

#include <functional>
#include <memory>
#include <utility>

namespace junction {

/// A reference that keeps a plugin's shared library mapped. Null for built-in code.
using LibraryRef = std::shared_ptr<const void>;

/// Returns a pointer to the same object that, while any copy exists, keeps `library` loaded.
/// The object is destroyed before the library reference is dropped.
template <class T>
std::shared_ptr<T> keep_library_alive(std::shared_ptr<T> object, LibraryRef library) {
  if (!library || !object) return object;
  struct Holder {
    LibraryRef library;  // declared first: destroyed last
    std::shared_ptr<T> object;
  };
  auto holder = std::make_shared<Holder>(Holder{std::move(library), std::move(object)});
  T* raw = holder->object.get();
  return std::shared_ptr<T>(std::move(holder), raw);
}

/// Same for a callable: the returned function keeps `library` loaded and destroys the
/// plugin's callable before releasing it.
template <class R, class... Args>
std::function<R(Args...)> keep_library_alive(std::function<R(Args...)> fn, LibraryRef library) {
  if (!library || !fn) return fn;
  auto held = keep_library_alive(std::make_shared<std::function<R(Args...)>>(std::move(fn)), std::move(library));
  return [held](Args... args) -> R { return (*held)(std::forward<Args>(args)...); };
}

}  // namespace junction
