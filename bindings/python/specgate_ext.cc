// specgate._core: the Python extension. A thin adapter between Python objects and the C++ API
// (include/specgate/openapi.h, json_schema.h, cli.h); the Pythonic layer (factories, exception
// classes, documentation) is pure Python in bindings/python/specgate/.
//
//   spec = _core.Spec(_core.SOURCE_FILE, "clinic.yaml", None, mode="all")
//   result = spec.validate_request("POST", "/v1/patients", None, headers, b'{"name": "Rex"}')
//
// How a call runs: arguments are converted to views (UTF-8 of str objects, the buffer of bytes
// and other buffer exporters, no copy) while the GIL is held; the GIL is released for the C++
// validation; once it is taken back, what the result needs is copied out of the thread's
// validator (which the next call on the thread reuses), then the views are released.
//
// Thread safety: Spec and Schema objects are immutable after construction and are shared by
// Python threads freely. Each thread validates with its own thread_local RequestValidator and
// Validator, so two threads validate in parallel.

// Python.h (included by pybind11) before any standard header, as the Python documentation asks.
#include <pybind11/pybind11.h>
// The library, then the standard library.
#include <rapidjson/document.h>
#include <specgate/cli.h>
#include <specgate/json_schema.h>
#include <specgate/openapi.h>

#include <array>
#include <cmath>
#include <cstdint>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace py = pybind11;

namespace {

using Allocator = rapidjson::MemoryPoolAllocator<>;

// ------------------------------------------------------------------ text and buffers

[[noreturn]] void throw_type_error(const char* what, const char* expected, PyObject* got) {
  throw py::type_error(std::string(what) + " must be " + expected + ", not " +
                       Py_TYPE(got)->tp_name);
}

// The UTF-8 of a str (cached inside the str object, so no copy) or the bytes of a bytes object.
// Valid while `object` lives.
std::string_view text_of(PyObject* object, const char* what) {
  if (PyUnicode_Check(object)) {
    Py_ssize_t size = 0;
    const char* data = PyUnicode_AsUTF8AndSize(object, &size);
    if (data == nullptr) throw py::error_already_set();
    return {data, static_cast<std::size_t>(size)};
  }
  if (PyBytes_Check(object)) {
    return {PyBytes_AS_STRING(object), static_cast<std::size_t>(PyBytes_GET_SIZE(object))};
  }
  throw_type_error(what, "str or bytes", object);
}

// A view of a body or instance: bytes and str directly, anything else through the buffer
// protocol, held (so a bytearray cannot be resized) until destruction, which needs the GIL.
class BytesView {
 public:
  BytesView(PyObject* object, const char* what) {
    if (PyBytes_Check(object)) {
      view_ = {PyBytes_AS_STRING(object), static_cast<std::size_t>(PyBytes_GET_SIZE(object))};
    } else if (PyUnicode_Check(object)) {
      view_ = text_of(object, what);
    } else if (PyObject_CheckBuffer(object)) {
      if (PyObject_GetBuffer(object, &buffer_, PyBUF_SIMPLE) != 0) throw py::error_already_set();
      held_ = true;
      view_ = {static_cast<const char*>(buffer_.buf), static_cast<std::size_t>(buffer_.len)};
    } else {
      throw_type_error(what, "bytes, bytearray, memoryview (any buffer) or str", object);
    }
  }
  ~BytesView() {
    if (held_) PyBuffer_Release(&buffer_);
  }
  BytesView(const BytesView&) = delete;
  BytesView& operator=(const BytesView&) = delete;

  std::string_view view() const { return view_; }

 private:
  std::string_view view_;
  Py_buffer buffer_{};
  bool held_ = false;
};

// Strong references kept for the length of one call, so the str/bytes objects that header
// views point into outlive the GIL-released validation even if the caller's mapping is
// changed by another thread meanwhile.
class References {
 public:
  References() = default;
  References(const References&) = delete;
  References& operator=(const References&) = delete;
  ~References() {
    for (std::size_t i = 0; i < size_; ++i) Py_DECREF(at(i));
  }
  // Takes over a new reference.
  void adopt(PyObject* object) {
    if (size_ < inline_.size()) {
      inline_[size_] = object;
    } else {
      overflow_.push_back(object);
    }
    ++size_;
  }
  void keep(PyObject* object) {
    Py_INCREF(object);
    adopt(object);
  }

 private:
  PyObject* at(std::size_t i) const {
    return i < inline_.size() ? inline_[i] : overflow_[i - inline_.size()];
  }
  std::array<PyObject*, 32> inline_{};
  std::vector<PyObject*> overflow_;
  std::size_t size_ = 0;
};

// Request or response headers as views: from a dict, any mapping with items() (werkzeug
// Headers, multidicts: every (name, value) pair), or an iterable of (name, value) pairs.
// Names and values are str or bytes.
class HeaderViews {
 public:
  explicit HeaderViews(PyObject* headers) {
    if (headers == Py_None) return;
    if (PyDict_Check(headers)) {
      Py_ssize_t pos = 0;
      PyObject* name = nullptr;
      PyObject* value = nullptr;
      while (PyDict_Next(headers, &pos, &name, &value)) {
        refs_.keep(name);
        refs_.keep(value);
        add(name, value);
      }
      return;
    }
    PyObject* pairs = headers;
    if (!PyList_Check(headers) && !PyTuple_Check(headers) &&
        PyObject_HasAttrString(headers, "items")) {
      pairs = PyObject_CallMethod(headers, "items", nullptr);
      if (pairs == nullptr) throw py::error_already_set();
      refs_.adopt(pairs);
    }
    PyObject* sequence = PySequence_Fast(pairs, "headers must be a mapping or (name, value) pairs");
    if (sequence == nullptr) throw py::error_already_set();
    refs_.adopt(sequence);
    Py_ssize_t count = PySequence_Fast_GET_SIZE(sequence);
    PyObject** items = PySequence_Fast_ITEMS(sequence);
    for (Py_ssize_t i = 0; i < count; ++i) {
      PyObject* pair = items[i];
      if (PyTuple_Check(pair) && PyTuple_GET_SIZE(pair) == 2) {
        add(PyTuple_GET_ITEM(pair, 0), PyTuple_GET_ITEM(pair, 1));
        continue;
      }
      PyObject* fast = PySequence_Fast(pair, "each header must be a (name, value) pair");
      if (fast == nullptr) throw py::error_already_set();
      refs_.adopt(fast);
      if (PySequence_Fast_GET_SIZE(fast) != 2) {
        throw py::type_error("each header must be a (name, value) pair");
      }
      add(PySequence_Fast_ITEMS(fast)[0], PySequence_Fast_ITEMS(fast)[1]);
    }
  }

  const specgate::Header* data() const {
    return count_ <= inline_.size() ? inline_.data() : overflow_.data();
  }
  std::size_t size() const { return count_; }

 private:
  void add(PyObject* name, PyObject* value) {
    specgate::Header header{text_of(name, "a header name"), text_of(value, "a header value")};
    if (count_ < inline_.size()) {
      inline_[count_] = header;
    } else {
      if (count_ == inline_.size()) overflow_.assign(inline_.begin(), inline_.end());
      overflow_.push_back(header);
    }
    ++count_;
  }

  References refs_;
  std::array<specgate::Header, 24> inline_{};
  std::vector<specgate::Header> overflow_;
  std::size_t count_ = 0;
};

// ------------------------------------------------------------------ Python <-> JSON values

// Converts a Python value (dict with str keys, list, tuple, str, int, float, bool, None) into a
// RapidJSON value, strings copied into `allocator`. Raises TypeError for other types and
// ValueError past `max_depth` levels (which also stops cycles) or for NaN and infinities.
void to_json(PyObject* object, rapidjson::Value* out, Allocator& allocator, std::size_t depth,
             std::size_t max_depth) {
  if (object == Py_None) {
    out->SetNull();
  } else if (object == Py_True || object == Py_False) {
    out->SetBool(object == Py_True);
  } else if (PyUnicode_Check(object)) {
    std::string_view text = text_of(object, "a string");
    out->SetString(text.data(), static_cast<rapidjson::SizeType>(text.size()), allocator);
  } else if (PyLong_Check(object)) {
    int overflow = 0;
    long long value = PyLong_AsLongLongAndOverflow(object, &overflow);
    if (value == -1 && PyErr_Occurred()) throw py::error_already_set();
    if (overflow == 0) {
      out->SetInt64(value);
    } else if (overflow > 0) {
      unsigned long long unsigned_value = PyLong_AsUnsignedLongLong(object);
      if (unsigned_value == static_cast<unsigned long long>(-1) && PyErr_Occurred()) {
        PyErr_Clear();
        double as_double = PyLong_AsDouble(object);
        if (as_double == -1.0 && PyErr_Occurred()) throw py::error_already_set();
        out->SetDouble(as_double);
      } else {
        out->SetUint64(unsigned_value);
      }
    } else {
      double as_double = PyLong_AsDouble(object);
      if (as_double == -1.0 && PyErr_Occurred()) throw py::error_already_set();
      out->SetDouble(as_double);
    }
  } else if (PyFloat_Check(object)) {
    double value = PyFloat_AS_DOUBLE(object);
    if (!std::isfinite(value)) throw py::value_error("NaN and infinities are not JSON numbers");
    out->SetDouble(value);
  } else if (PyDict_Check(object)) {
    if (depth >= max_depth) {
      throw py::value_error("nesting deeper than " + std::to_string(max_depth) +
                            " levels (or a cycle)");
    }
    out->SetObject();
    Py_ssize_t pos = 0;
    PyObject* key = nullptr;
    PyObject* value = nullptr;
    while (PyDict_Next(object, &pos, &key, &value)) {
      if (!PyUnicode_Check(key)) throw_type_error("an object key", "str", key);
      std::string_view name = text_of(key, "an object key");
      rapidjson::Value json_key(name.data(), static_cast<rapidjson::SizeType>(name.size()),
                                allocator);
      rapidjson::Value json_value;
      // The value may be the only reference the dict holds; keep it while converting.
      Py_INCREF(value);
      try {
        to_json(value, &json_value, allocator, depth + 1, max_depth);
      } catch (...) {
        Py_DECREF(value);
        throw;
      }
      Py_DECREF(value);
      out->AddMember(json_key, json_value, allocator);
    }
  } else if (PyList_Check(object) || PyTuple_Check(object)) {
    if (depth >= max_depth) {
      throw py::value_error("nesting deeper than " + std::to_string(max_depth) +
                            " levels (or a cycle)");
    }
    py::object sequence = py::reinterpret_steal<py::object>(PySequence_Fast(object, ""));
    if (!sequence) throw py::error_already_set();
    Py_ssize_t count = PySequence_Fast_GET_SIZE(sequence.ptr());
    out->SetArray();
    out->Reserve(static_cast<rapidjson::SizeType>(count), allocator);
    for (Py_ssize_t i = 0; i < count; ++i) {
      rapidjson::Value item;
      to_json(PySequence_Fast_GET_ITEM(sequence.ptr(), i), &item, allocator, depth + 1, max_depth);
      out->PushBack(item, allocator);
    }
  } else {
    throw_type_error("a JSON value", "dict, list, tuple, str, int, float, bool or None", object);
  }
}

// Largest nesting accepted when a spec, schema or resource document is given as a Python object.
constexpr std::size_t kDocumentMaxDepth = 1000;

PyObject* string_object(const char* data, std::size_t size) {
  // Invalid UTF-8 (a percent-decoded parameter may be) becomes U+FFFD rather than an error.
  PyObject* text = PyUnicode_DecodeUTF8(data, static_cast<Py_ssize_t>(size), "replace");
  if (text == nullptr) throw py::error_already_set();
  return text;
}

py::str make_str(std::string_view text) {
  return py::reinterpret_steal<py::str>(string_object(text.data(), text.size()));
}

// The inverse: a RapidJSON value as dicts, lists, str, int, float, bool and None.
py::object from_json(const rapidjson::Value& value) {
  switch (value.GetType()) {
    case rapidjson::kNullType:
      return py::none();
    case rapidjson::kFalseType:
      return py::bool_(false);
    case rapidjson::kTrueType:
      return py::bool_(true);
    case rapidjson::kStringType:
      return py::reinterpret_steal<py::object>(
          string_object(value.GetString(), value.GetStringLength()));
    case rapidjson::kNumberType:
      if (value.IsInt64())
        return py::reinterpret_steal<py::object>(PyLong_FromLongLong(value.GetInt64()));
      if (value.IsUint64()) {
        return py::reinterpret_steal<py::object>(PyLong_FromUnsignedLongLong(value.GetUint64()));
      }
      return py::reinterpret_steal<py::object>(PyFloat_FromDouble(value.GetDouble()));
    case rapidjson::kArrayType: {
      py::list list(value.Size());
      Py_ssize_t i = 0;
      for (const rapidjson::Value& item : value.GetArray()) {
        PyList_SET_ITEM(list.ptr(), i++, from_json(item).release().ptr());
      }
      return std::move(list);
    }
    case rapidjson::kObjectType: {
      py::dict dict;
      for (const auto& member : value.GetObject()) {
        py::object key = py::reinterpret_steal<py::object>(
            string_object(member.name.GetString(), member.name.GetStringLength()));
        if (PyDict_SetItem(dict.ptr(), key.ptr(), from_json(member.value).ptr()) != 0) {
          throw py::error_already_set();
        }
      }
      return std::move(dict);
    }
  }
  return py::none();
}

py::object parse_json_to_python(const std::string& text) {
  rapidjson::Document document;
  document.Parse(text.data(), text.size());
  if (document.HasParseError()) throw std::runtime_error("specgate produced invalid JSON");
  return from_json(document);
}

// A document given as a Python object, converted for the compilers.
struct OwnedDocument {
  Allocator allocator{4096};
  rapidjson::Value value;
};

// ------------------------------------------------------------------ errors

// Raises the pure-Python exception specgate._errors.<name>(problems) (imported here, on the
// cold path, so the exception classes live in Python).
void set_problems_error(const char* name, const std::vector<specgate::Problem>& problems) {
  py::module_ errors = py::module_::import("specgate._errors");
  py::object problem_type = errors.attr("Problem");
  py::list list;
  for (const specgate::Problem& p : problems) {
    list.append(problem_type(make_str(p.pointer), p.line, p.column, make_str(p.message)));
  }
  py::object error = errors.attr(name)(list);
  PyErr_SetObject(reinterpret_cast<PyObject*>(Py_TYPE(error.ptr())), error.ptr());
}

// ------------------------------------------------------------------ requests

// A credential handed to a Python credential_check (copied: the views die with the call).
struct PyCredential {
  std::string scheme;
  std::string type;
  std::string http_scheme;
  std::string value;
};

// An exception from a credential_check that must not be swallowed (KeyboardInterrupt,
// SystemExit: whatever is not an Exception), kept until the validation returns to Python.
struct PendingError {
  PyObject* type = nullptr;
  PyObject* value = nullptr;
  PyObject* traceback = nullptr;
};
thread_local PendingError pending_error;

// Raises the pending error, if any (with the GIL held, after a validation).
void raise_pending_error() {
  if (pending_error.type == nullptr) return;
  PyErr_Restore(pending_error.type, pending_error.value, pending_error.traceback);
  pending_error = PendingError{};
  throw py::error_already_set();
}

// The Python callable behind RequestOptions::credential_check. Copies of the std::function
// share this holder, so copying never touches Python reference counts without the GIL.
class CredentialCallback {
 public:
  explicit CredentialCallback(py::object callable) : callable_(callable.release().ptr()) {}
  ~CredentialCallback() {
    py::gil_scoped_acquire gil;
    Py_DECREF(callable_);
  }
  CredentialCallback(const CredentialCallback&) = delete;
  CredentialCallback& operator=(const CredentialCallback&) = delete;

  // Called without the GIL, from the validating thread. A callback that raises an Exception,
  // or whose result has no truth value, rejects the credential; the exception is discarded
  // (its message could carry the credential, which must never reach a log). KeyboardInterrupt
  // and other non-Exception errors propagate from validate_request once validation returns.
  bool operator()(const specgate::Credential& credential) const {
    py::gil_scoped_acquire gil;
    bool accepted = false;
    try {
      py::object argument = py::cast(
          PyCredential{std::string(credential.scheme), std::string(credential.type),
                       std::string(credential.http_scheme), std::string(credential.value)});
      PyObject* answer = PyObject_CallOneArg(callable_, argument.ptr());
      if (answer != nullptr) {
        int truth = PyObject_IsTrue(answer);
        Py_DECREF(answer);
        accepted = truth == 1;
      }
    } catch (py::error_already_set& e) {
      e.restore();
    } catch (...) {
    }
    if (PyErr_Occurred() != nullptr) {
      if (!PyErr_ExceptionMatches(PyExc_Exception) && pending_error.type == nullptr) {
        PyErr_Fetch(&pending_error.type, &pending_error.value, &pending_error.traceback);
      } else {
        PyErr_Clear();
      }
    }
    return accepted;
  }

 private:
  PyObject* callable_;
};

std::string_view mode_name(specgate::Mode mode) {
  return mode == specgate::Mode::kExhaustive ? "all" : "fast";
}

specgate::Mode mode_from_name(std::string_view name) {
  if (name == "fast") return specgate::Mode::kFast;
  if (name == "all") return specgate::Mode::kExhaustive;
  throw py::value_error("mode must be \"fast\" or \"all\", not \"" + std::string(name) + "\"");
}

// ------------------------------------------------------------------ raw CPython glue

// The per-request calls are plain CPython rather than pybind11, whose dispatcher and instance
// creation cost more than the C++ validation of a small request: with pybind11 methods and a
// pybind11 result class, the clinic's small POST took 2.1 µs (2.9 µs with keyword arguments)
// and a 404 0.81 µs; with these, 1.4 µs (1.46 µs) and 0.37 µs (timeit, same machine, same
// load). So validate_request, validate_response and Schema's four validation methods are
// vectorcall methods added to the pybind11 classes, and RequestResult is a static-layout
// CPython type. The rest (construction, errors, listings) stays pybind11.

// Sets the Python error for the C++ exception being handled (call from a catch block).
void set_python_error() noexcept {
  try {
    throw;
  } catch (py::error_already_set& e) {
    e.restore();
  } catch (const py::builtin_exception& e) {
    e.set_error();
  } catch (const specgate::SchemaError& e) {
    const char* name = dynamic_cast<const specgate::SpecError*>(&e) ? "SpecError" : "SchemaError";
    try {
      set_problems_error(name, e.problems());
    } catch (py::error_already_set& inner) {
      inner.restore();
    } catch (...) {
      PyErr_SetString(PyExc_ValueError, e.what());
    }
  } catch (const std::bad_alloc&) {
    PyErr_NoMemory();
  } catch (const std::exception& e) {
    PyErr_SetString(PyExc_RuntimeError, e.what());
  } catch (...) {
    PyErr_SetString(PyExc_RuntimeError, "unknown C++ exception");
  }
}

// A method's parameters for the vectorcall argument parser. Names are interned at import.
struct Signature {
  const char* function;
  std::vector<const char*> names;
  std::size_t positional;  // how many may be passed by position
  std::size_t required;    // how many must be passed
  std::vector<PyObject*> interned{};
};

// Fills out[i] (borrowed, nullptr when not passed) for each parameter; false with a TypeError
// set on a bad call, worded like Python's own.
bool parse_arguments(const Signature& sig, PyObject* const* args, Py_ssize_t nargs,
                     PyObject* kwnames, PyObject** out) {
  const std::size_t count = sig.names.size();
  if (static_cast<std::size_t>(nargs) > sig.positional) {
    PyErr_Format(PyExc_TypeError, "%s() takes at most %zu positional arguments (%zd given)",
                 sig.function, sig.positional, nargs);
    return false;
  }
  for (Py_ssize_t i = 0; i < nargs; ++i) out[i] = args[i];
  if (kwnames != nullptr) {
    Py_ssize_t nkw = PyTuple_GET_SIZE(kwnames);
    for (Py_ssize_t k = 0; k < nkw; ++k) {
      PyObject* key = PyTuple_GET_ITEM(kwnames, k);
      std::size_t index = count;
      for (std::size_t j = 0; j < count; ++j) {
        if (key == sig.interned[j]) {
          index = j;
          break;
        }
      }
      if (index == count) {
        for (std::size_t j = 0; j < count; ++j) {
          if (PyUnicode_Compare(key, sig.interned[j]) == 0) {
            index = j;
            break;
          }
        }
      }
      if (index == count) {
        PyErr_Format(PyExc_TypeError, "%s() got an unexpected keyword argument '%U'", sig.function,
                     key);
        return false;
      }
      if (out[index] != nullptr) {
        PyErr_Format(PyExc_TypeError, "%s() got multiple values for argument '%s'", sig.function,
                     sig.names[index]);
        return false;
      }
      out[index] = args[nargs + k];
    }
  }
  for (std::size_t j = 0; j < sig.required; ++j) {
    if (out[j] == nullptr) {
      PyErr_Format(PyExc_TypeError, "%s() missing required argument '%s'", sig.function,
                   sig.names[j]);
      return false;
    }
  }
  return true;
}

bool absent(PyObject* argument) { return argument == nullptr || argument == Py_None; }

// The C++ object inside a pybind11 instance (self of a method bound to that class).
template <typename T>
T* bound_object(PyObject* self, const char* what) {
  auto vh = reinterpret_cast<py::detail::instance*>(self)->get_value_and_holder();
  if (!vh.holder_constructed()) {
    PyErr_Format(PyExc_TypeError, "%s object is not initialised", what);
    return nullptr;
  }
  return vh.template value_ptr<T>();
}

// ------------------------------------------------------------------ RequestResult

// Parameters decoded by the validator, copied out of its scratch.
struct OwnedParameters {
  Allocator allocator{1024};
  rapidjson::Value value;
};

// {"path": {}, "query": {}, "header": {}, "cookie": {}}: what an operation without parameters
// decodes, and what is reported when validation stopped before decoding.
const rapidjson::Value& empty_parameters() {
  static const rapidjson::Document empty = [] {
    rapidjson::Document d;
    d.Parse(R"({"path": {}, "query": {}, "header": {}, "cookie": {}})");
    return d;
  }();
  return empty;
}

bool all_groups_empty(const rapidjson::Value& parameters) {
  if (!parameters.IsObject()) return false;
  for (const auto& member : parameters.GetObject()) {
    if (!member.value.IsObject() || member.value.MemberCount() != 0) return false;
  }
  return true;
}

// What a Python RequestResult holds: a copy of the C++ RequestResult (the thread's validator
// reuses its own on the next call). Its views into the compiled spec stay valid because it
// holds the Python Spec object. Errors and parameters become Python objects when first read.
struct ResultData {
  ResultData(PyObject* spec_object, const specgate::RequestResult& source)
      : spec(spec_object), result(source) {
    Py_INCREF(spec);
    const rapidjson::Value* parameters = source.parameters;
    result.parameters = nullptr;
    if (parameters == nullptr) {
      decoded = false;
    } else if (all_groups_empty(*parameters)) {
      result.parameters = &empty_parameters();
    } else {
      // Names and group keys are views into the compiled spec or static text (RapidJSON 1.1
      // copies those shallowly); values live in the validator's scratch and are copied.
      owned = std::make_unique<OwnedParameters>();
      owned->value.CopyFrom(*parameters, owned->allocator);
      result.parameters = &owned->value;
    }
  }
  ResultData(ResultData&& other) noexcept
      : spec(std::exchange(other.spec, nullptr)),
        result(std::move(other.result)),
        owned(std::move(other.owned)),
        errors(std::exchange(other.errors, nullptr)),
        parameters(std::exchange(other.parameters, nullptr)),
        decoded(other.decoded) {}
  ResultData(const ResultData&) = delete;
  ResultData& operator=(const ResultData&) = delete;
  ResultData& operator=(ResultData&&) = delete;
  ~ResultData() {
    Py_XDECREF(errors);
    Py_XDECREF(parameters);
    Py_XDECREF(spec);
  }

  PyObject* spec;
  specgate::RequestResult result;
  std::unique_ptr<OwnedParameters> owned;
  PyObject* errors = nullptr;      // list of RequestError, built when first read
  PyObject* parameters = nullptr;  // dict, built when first read
  bool decoded = true;
};

struct ResultObject {
  PyObject ob_base;  // PyObject_HEAD
  ResultData data;
};

PyTypeObject* result_type = nullptr;
PyObject* reason_strings[8] = {};

PyObject* make_result(PyObject* spec_object, const specgate::RequestResult& source) {
  ResultData data(spec_object, source);
  ResultObject* self = PyObject_New(ResultObject, result_type);
  if (self == nullptr) throw py::error_already_set();
  new (&self->data) ResultData(std::move(data));
  return reinterpret_cast<PyObject*>(self);
}

ResultData& data_of(PyObject* self) { return reinterpret_cast<ResultObject*>(self)->data; }

void result_dealloc(PyObject* self) {
  PyTypeObject* type = Py_TYPE(self);
  data_of(self).~ResultData();
  type->tp_free(self);
  Py_DECREF(type);
}

PyObject* new_str(std::string_view text) { return string_object(text.data(), text.size()); }

template <PyObject* (*F)(ResultData&)>
PyObject* guarded_getter(PyObject* self, void*) {
  try {
    return F(data_of(self));
  } catch (...) {
    set_python_error();
    return nullptr;
  }
}

template <PyObject* (*F)(ResultData&)>
PyObject* guarded_method(PyObject* self, PyObject*) {
  try {
    return F(data_of(self));
  } catch (...) {
    set_python_error();
    return nullptr;
  }
}

PyObject* result_parameters(ResultData& d) {
  if (d.parameters == nullptr) {
    d.parameters =
        from_json(d.result.parameters ? *d.result.parameters : empty_parameters()).release().ptr();
  }
  Py_INCREF(d.parameters);
  return d.parameters;
}

PyObject* parameter_group(ResultData& d, const char* group) {
  py::object all = py::reinterpret_steal<py::object>(result_parameters(d));
  PyObject* value = PyDict_GetItemString(all.ptr(), group);
  if (value == nullptr) return PyDict_New();
  Py_INCREF(value);
  return value;
}

PyObject* get_ok(ResultData& d) { return PyBool_FromLong(d.result.ok()); }
PyObject* get_status(ResultData& d) { return PyLong_FromLong(d.result.status); }
PyObject* get_reason(ResultData& d) {
  PyObject* reason = reason_strings[static_cast<int>(d.result.reason) & 7];
  Py_INCREF(reason);
  return reason;
}
PyObject* get_errors(ResultData& d) {
  if (d.errors == nullptr) {
    py::list list(d.result.errors.size());
    for (std::size_t i = 0; i < d.result.errors.size(); ++i) {
      PyList_SET_ITEM(list.ptr(), static_cast<Py_ssize_t>(i),
                      py::cast(d.result.errors[i]).release().ptr());
    }
    d.errors = list.release().ptr();
  }
  // A fresh list each time, so a caller changing theirs changes no one else's.
  return PyList_GetSlice(d.errors, 0, PY_SSIZE_T_MAX);
}
PyObject* get_operation_id(ResultData& d) { return new_str(d.result.operation_id); }
PyObject* get_route(ResultData& d) { return new_str(d.result.route); }
PyObject* get_method(ResultData& d) { return new_str(d.result.method); }
PyObject* get_allow(ResultData& d) {
  py::list list(d.result.allow.size());
  for (std::size_t i = 0; i < d.result.allow.size(); ++i) {
    PyList_SET_ITEM(list.ptr(), static_cast<Py_ssize_t>(i), new_str(d.result.allow[i]));
  }
  return list.release().ptr();
}
PyObject* get_www_authenticate(ResultData& d) { return new_str(d.result.www_authenticate); }
PyObject* get_path_params(ResultData& d) { return parameter_group(d, "path"); }
PyObject* get_query_params(ResultData& d) { return parameter_group(d, "query"); }
PyObject* get_decoded(ResultData& d) { return PyBool_FromLong(d.decoded); }

PyObject* call_to_problem(ResultData& d) {
  return parse_json_to_python(d.result.problem_json()).release().ptr();
}
PyObject* call_problem_json(ResultData& d) {
  std::string text = d.result.problem_json();
  return PyBytes_FromStringAndSize(text.data(), static_cast<Py_ssize_t>(text.size()));
}
PyObject* call_to_dict(ResultData& d) {
  return parse_json_to_python(d.result.json()).release().ptr();
}
PyObject* call_json(ResultData& d) {
  std::string text = d.result.json();
  return PyBytes_FromStringAndSize(text.data(), static_cast<Py_ssize_t>(text.size()));
}

int result_bool(PyObject* self) { return data_of(self).result.ok() ? 1 : 0; }

PyObject* result_repr(PyObject* self) {
  const specgate::RequestResult& r = data_of(self).result;
  std::string text = "<RequestResult " + std::to_string(r.status) + " " +
                     std::string(specgate::reason_name(r.reason));
  if (!r.operation_id.empty()) text += " " + std::string(r.operation_id);
  if (!r.errors.empty()) text += " errors=" + std::to_string(r.errors.size());
  text += ">";
  return new_str(text);
}

PyGetSetDef result_getset[] = {
    {"ok", guarded_getter<get_ok>, nullptr, "True when the request (or response) is valid.",
     nullptr},
    {"status", guarded_getter<get_status>, nullptr,
     "200 when valid; else 404, 405, 401, 413, 415 or 400 (502 for an invalid response).", nullptr},
    {"reason", guarded_getter<get_reason>, nullptr,
     "A short stable code: \"none\", \"unknown_route\", \"method_not_allowed\", "
     "\"unauthorized\", \"body_too_large\", \"unsupported_media_type\", \"invalid_request\", "
     "\"invalid_response\".",
     nullptr},
    {"errors", guarded_getter<get_errors>, nullptr,
     "The problems found: a list of RequestError (empty when ok).", nullptr},
    {"operation_id", guarded_getter<get_operation_id>, nullptr,
     "The matched operation's operationId; \"\" when it has none or nothing matched.", nullptr},
    {"route", guarded_getter<get_route>, nullptr,
     "The matched path template, e.g. \"/pets/{petId}\"; \"\" when nothing matched.", nullptr},
    {"method", guarded_getter<get_method>, nullptr,
     "The matched operation's method, lower case; \"\" when nothing matched.", nullptr},
    {"allow", guarded_getter<get_allow>, nullptr,
     "405: the methods the path allows, upper case (for the Allow header).", nullptr},
    {"www_authenticate", guarded_getter<get_www_authenticate>, nullptr,
     "401: the challenge to send in WWW-Authenticate; else \"\".", nullptr},
    {"parameters", guarded_getter<result_parameters>, nullptr,
     "The decoded, typed parameters: {\"path\": {...}, \"query\": {...}, \"header\": {...}, "
     "\"cookie\": {...}}, header names as the spec spells them. Groups are empty when "
     "validation stopped before decoding. The same dict on each read: do not change it.",
     nullptr},
    {"path_params", guarded_getter<get_path_params>, nullptr, "parameters[\"path\"].", nullptr},
    {"query_params", guarded_getter<get_query_params>, nullptr, "parameters[\"query\"].", nullptr},
    {"parameters_decoded", guarded_getter<get_decoded>, nullptr,
     "False when validation stopped before the parameters were decoded (404, 405, 401, 413, "
     "415).",
     nullptr},
    {nullptr, nullptr, nullptr, nullptr, nullptr},
};

PyMethodDef result_methods[] = {
    {"to_problem", guarded_method<call_to_problem>, METH_NOARGS,
     "The RFC 9457 problem document (application/problem+json) as a dict."},
    {"problem_json", guarded_method<call_problem_json>, METH_NOARGS,
     "The RFC 9457 problem document as JSON text (bytes), ready to send."},
    {"to_dict", guarded_method<call_to_dict>, METH_NOARGS,
     "Everything as a dict: status, reason, operation_id, route, allow, errors, parameters."},
    {"json", guarded_method<call_json>, METH_NOARGS,
     "Everything as JSON text (bytes), as `specgate validate` prints it."},
    {nullptr, nullptr, 0, nullptr},
};

PyTypeObject* create_result_type() {
  static PyType_Slot slots[] = {
      {Py_tp_dealloc, reinterpret_cast<void*>(result_dealloc)},
      {Py_tp_repr, reinterpret_cast<void*>(result_repr)},
      {Py_nb_bool, reinterpret_cast<void*>(result_bool)},
      {Py_tp_getset, result_getset},
      {Py_tp_methods, result_methods},
      {Py_tp_doc, const_cast<char*>(
                      "The outcome of validating one request or response (Spec.validate_request, "
                      "Spec.validate_response). Immutable; true when ok.")},
      {0, nullptr},
  };
  static PyType_Spec spec = {"specgate.RequestResult", static_cast<int>(sizeof(ResultObject)), 0,
                             Py_TPFLAGS_DEFAULT, slots};
  PyObject* type = PyType_FromSpec(&spec);
  if (type == nullptr) throw py::error_already_set();
  // Only validation creates results (their C++ part must be constructed).
  reinterpret_cast<PyTypeObject*>(type)->tp_new = nullptr;
  return reinterpret_cast<PyTypeObject*>(type);
}

// ------------------------------------------------------------------ Spec

// The per-thread validator; a nested call on the same thread (a credential_check that
// validates) gets a temporary one instead of clobbering the outer call's state.
struct ThreadValidator {
  specgate::RequestValidator validator;
  bool busy = false;
};

class BorrowedValidator {
 public:
  BorrowedValidator() {
    thread_local ThreadValidator slot;
    if (!slot.busy) {
      slot_ = &slot;
      slot.busy = true;
    } else {
      temporary_ = std::make_unique<specgate::RequestValidator>();
    }
  }
  ~BorrowedValidator() {
    if (slot_ != nullptr) slot_->busy = false;
  }
  BorrowedValidator(const BorrowedValidator&) = delete;
  BorrowedValidator& operator=(const BorrowedValidator&) = delete;

  specgate::RequestValidator& get() { return slot_ ? slot_->validator : *temporary_; }

 private:
  ThreadValidator* slot_ = nullptr;
  std::unique_ptr<specgate::RequestValidator> temporary_;
};

enum SourceKind : int { kSourceFile = 0, kSourceText = 1, kSourceObject = 2 };

// A compiled spec plus the request options chosen when it was loaded. Immutable.
class PySpec {
 public:
  PySpec(int kind, py::object source, py::object base_uri, py::object format_assertion,
         bool load_external_files, std::size_t max_spec_bytes, std::size_t max_ref_depth,
         std::string_view mode, std::size_t max_body_bytes, bool ignore_trailing_slash,
         py::object credential_check, std::size_t max_depth, std::size_t max_errors,
         std::size_t max_headers, std::size_t max_header_bytes, std::size_t max_query_parameters)
      : spec_(load(kind, source, base_uri, format_assertion, load_external_files, max_spec_bytes,
                   max_ref_depth)),
        credential_check_(credential_check),
        format_assertion_(format_assertion) {
    options_.mode = mode_from_name(mode);
    options_.max_body_bytes = max_body_bytes;
    options_.ignore_trailing_slash = ignore_trailing_slash;
    options_.max_depth = max_depth;
    options_.max_errors = max_errors;
    options_.max_headers = max_headers;
    options_.max_header_bytes = max_header_bytes;
    options_.max_query_parameters = max_query_parameters;
    if (!credential_check.is_none()) {
      if (!PyCallable_Check(credential_check.ptr())) {
        throw py::type_error("credential_check must be callable or None");
      }
      auto callback = std::make_shared<CredentialCallback>(credential_check);
      options_.credential_check = [callback](const specgate::Credential& credential) {
        return (*callback)(credential);
      };
    }
  }

  // self: the Python Spec object, held by the result.
  PyObject* validate_request(PyObject* self, PyObject* method, PyObject* path, PyObject* query,
                             PyObject* headers, PyObject* body, PyObject* content_length) const {
    specgate::Request request;
    request.method = text_of(method, "method");
    request.target = text_of(path, "path");
    if (!absent(query)) request.query = text_of(query, "query");
    if (!absent(content_length)) {
      if (!PyLong_Check(content_length)) throw_type_error("content_length", "int", content_length);
      unsigned long long n = PyLong_AsUnsignedLongLong(content_length);
      if (n == static_cast<unsigned long long>(-1) && PyErr_Occurred()) {
        PyErr_Clear();
        throw py::value_error("content_length must be a non-negative 64-bit integer");
      }
      request.content_length = static_cast<std::uint64_t>(n);
    }
    HeaderViews header_views(absent(headers) ? Py_None : headers);
    request.headers = header_views.data();
    request.header_count = header_views.size();
    std::optional<BytesView> body_view;
    if (!absent(body)) {
      body_view.emplace(body, "body");
      request.body = body_view->view();
      request.has_body = true;
    }
    BorrowedValidator validator;
    const specgate::RequestResult* result = nullptr;
    {
      py::gil_scoped_release release;
      result = &validator.get().validate(spec_, request, options_);
    }
    raise_pending_error();
    return make_result(self, *result);
  }

  PyObject* validate_response(PyObject* self, PyObject* method, PyObject* path, PyObject* status,
                              PyObject* headers, PyObject* body) const {
    specgate::Response response;
    response.method = text_of(method, "method");
    response.target = text_of(path, "path");
    if (!PyLong_Check(status)) throw_type_error("status", "int", status);
    long code = PyLong_AsLong(status);
    if (code == -1 && PyErr_Occurred()) throw py::error_already_set();
    if (code < 100 || code > 999) throw py::value_error("status must be an HTTP status code");
    response.status = static_cast<int>(code);
    HeaderViews header_views(absent(headers) ? Py_None : headers);
    response.headers = header_views.data();
    response.header_count = header_views.size();
    std::optional<BytesView> body_view;
    if (!absent(body)) {
      body_view.emplace(body, "body");
      response.body = body_view->view();
      response.has_body = true;
    }
    BorrowedValidator validator;
    const specgate::RequestResult* result = nullptr;
    {
      py::gil_scoped_release release;
      result = &validator.get().validate_response(spec_, response, options_);
    }
    raise_pending_error();
    return make_result(self, *result);
  }

  const specgate::Spec& spec() const { return spec_; }

  py::dict options() const {
    py::dict d;
    d["mode"] = make_str(mode_name(options_.mode));
    d["max_body_bytes"] = options_.max_body_bytes;
    d["ignore_trailing_slash"] = options_.ignore_trailing_slash;
    d["format_assertion"] = format_assertion_;
    d["credential_check"] = credential_check_;
    d["max_depth"] = options_.max_depth;
    d["max_errors"] = options_.max_errors;
    d["max_headers"] = options_.max_headers;
    d["max_header_bytes"] = options_.max_header_bytes;
    d["max_query_parameters"] = options_.max_query_parameters;
    return d;
  }

 private:
  static specgate::Spec load(int kind, py::handle source, py::handle base_uri,
                             py::handle format_assertion, bool load_external_files,
                             std::size_t max_spec_bytes, std::size_t max_ref_depth) {
    specgate::SpecOptions options;
    if (!base_uri.is_none()) options.base_uri = std::string(text_of(base_uri.ptr(), "base_uri"));
    options.load_external_files = load_external_files;
    if (!format_assertion.is_none()) options.format_assertion = py::cast<bool>(format_assertion);
    options.max_spec_bytes = max_spec_bytes;
    options.max_ref_depth = max_ref_depth;
    switch (kind) {
      case kSourceFile: {
        std::string path(text_of(source.ptr(), "path"));
        py::gil_scoped_release release;
        return specgate::Spec::load_file(path, std::move(options));
      }
      case kSourceText: {
        BytesView text(source.ptr(), "text");
        py::gil_scoped_release release;
        return specgate::Spec::load(text.view(), options);
      }
      case kSourceObject: {
        if (!PyDict_Check(source.ptr())) throw_type_error("document", "a dict", source.ptr());
        OwnedDocument document;
        to_json(source.ptr(), &document.value, document.allocator, 0, kDocumentMaxDepth);
        py::gil_scoped_release release;
        return specgate::Spec::from_document(document.value, options);
      }
      default:
        throw py::value_error("unknown source kind");
    }
  }

  specgate::Spec spec_;
  specgate::RequestOptions options_;
  py::object credential_check_;
  py::object format_assertion_;
};

Signature validate_request_signature{
    "validate_request", {"method", "path", "query", "headers", "body", "content_length"}, 5, 2};
Signature validate_response_signature{
    "validate_response", {"method", "path", "status", "headers", "body"}, 5, 3};

PyObject* spec_validate_request(PyObject* self, PyObject* const* args, Py_ssize_t nargs,
                                PyObject* kwnames) {
  PyObject* a[6] = {};
  if (!parse_arguments(validate_request_signature, args, nargs, kwnames, a)) return nullptr;
  PySpec* spec = bound_object<PySpec>(self, "Spec");
  if (spec == nullptr) return nullptr;
  try {
    return spec->validate_request(self, a[0], a[1], a[2], a[3], a[4], a[5]);
  } catch (...) {
    set_python_error();
    return nullptr;
  }
}

PyObject* spec_validate_response(PyObject* self, PyObject* const* args, Py_ssize_t nargs,
                                 PyObject* kwnames) {
  PyObject* a[5] = {};
  if (!parse_arguments(validate_response_signature, args, nargs, kwnames, a)) return nullptr;
  PySpec* spec = bound_object<PySpec>(self, "Spec");
  if (spec == nullptr) return nullptr;
  try {
    return spec->validate_response(self, a[0], a[1], a[2], a[3], a[4]);
  } catch (...) {
    set_python_error();
    return nullptr;
  }
}

// ------------------------------------------------------------------ schemas

struct InstanceError {
  std::string instance_pointer;
  std::string schema_pointer;
  std::string keyword;
  std::string message;
};

specgate::Validator& schema_validator(const specgate::ValidateOptions& options,
                                      specgate::Mode mode) {
  // Schema validation runs no Python code, so calls cannot nest on one thread.
  thread_local specgate::Validator validator;
  specgate::ValidateOptions& current = validator.options();
  current = options;
  current.mode = mode;
  return validator;
}

PyObject* errors_list(const std::vector<specgate::ValidationError>& errors) {
  py::list list(errors.size());
  for (std::size_t i = 0; i < errors.size(); ++i) {
    const specgate::ValidationError& e = errors[i];
    PyList_SET_ITEM(
        list.ptr(), static_cast<Py_ssize_t>(i),
        py::cast(InstanceError{e.instance_pointer, e.schema_pointer, e.keyword, e.message})
            .release()
            .ptr());
  }
  return list.release().ptr();
}

class PySchema {
 public:
  PySchema(py::handle schema, py::handle dialect, py::handle resources, py::handle format_assertion,
           py::handle base_uri, std::size_t max_depth, std::size_t max_errors)
      : schema_(compile(schema, dialect, resources, format_assertion, base_uri)) {
    options_.max_depth = max_depth;
    options_.max_errors = max_errors;
  }

  PyObject* is_valid(PyObject* instance) const {
    BytesView text(instance, "instance");
    bool valid = false;
    {
      py::gil_scoped_release release;
      valid = schema_validator(options_, specgate::Mode::kFast).validate_json(schema_, text.view());
    }
    return PyBool_FromLong(valid);
  }

  PyObject* iter_errors(PyObject* instance) const {
    BytesView text(instance, "instance");
    bool valid = false;
    specgate::Validator* validator = nullptr;
    {
      py::gil_scoped_release release;
      validator = &schema_validator(options_, specgate::Mode::kExhaustive);
      valid = validator->validate_json(schema_, text.view());
    }
    if (valid) return PyList_New(0);
    return errors_list(validator->errors());
  }

  PyObject* is_valid_object(PyObject* instance) const {
    // A per-thread pool whose first chunk is a buffer of its own, which Clear() keeps: small
    // instances convert without touching the heap.
    struct Scratch {
      alignas(8) char buffer[16 << 10];
      Allocator allocator{buffer, sizeof(buffer), 16 << 10};
    };
    thread_local Scratch scratch;
    scratch.allocator.Clear();
    rapidjson::Value value;
    to_json(instance, &value, scratch.allocator, 0, options_.max_depth);
    bool valid = false;
    {
      py::gil_scoped_release release;
      valid = schema_validator(options_, specgate::Mode::kFast).validate(schema_, value);
    }
    return PyBool_FromLong(valid);
  }

  PyObject* iter_errors_object(PyObject* instance) const {
    OwnedDocument document;
    to_json(instance, &document.value, document.allocator, 0, options_.max_depth);
    bool valid = false;
    specgate::Validator* validator = nullptr;
    {
      py::gil_scoped_release release;
      validator = &schema_validator(options_, specgate::Mode::kExhaustive);
      valid = validator->validate(schema_, document.value);
    }
    if (valid) return PyList_New(0);
    return errors_list(validator->errors());
  }

  std::string_view dialect() const { return specgate::dialect_name(schema_.dialect()); }
  const specgate::ValidateOptions& options() const { return options_; }

 private:
  static bool is_text(PyObject* object) {
    return PyUnicode_Check(object) || PyBytes_Check(object) || PyByteArray_Check(object) ||
           PyMemoryView_Check(object);
  }

  static specgate::Schema compile(py::handle schema, py::handle dialect, py::handle resources,
                                  py::handle format_assertion, py::handle base_uri) {
    specgate::CompileOptions options;
    if (!dialect.is_none()) {
      std::string_view name = text_of(dialect.ptr(), "dialect");
      std::optional<specgate::Dialect> parsed = specgate::dialect_from_name(name);
      if (!parsed) {
        throw py::value_error("unknown dialect \"" + std::string(name) +
                              "\" (draft4, draft6, draft7, 2019-09, 2020-12, oas3.0, oas3.1)");
      }
      options.default_dialect = *parsed;
    }
    if (!format_assertion.is_none()) options.format_assertion = py::cast<bool>(format_assertion);
    if (!base_uri.is_none()) options.base_uri = std::string(text_of(base_uri.ptr(), "base_uri"));
    specgate::ResourceRegistry registry;
    if (!resources.is_none()) {
      if (!PyObject_HasAttrString(resources.ptr(), "items")) {
        throw_type_error("resources", "a mapping of URI to document", resources.ptr());
      }
      py::object items = resources.attr("items")();
      for (py::handle pair : items) {
        py::tuple entry = py::reinterpret_borrow<py::tuple>(pair);
        std::string_view uri = text_of(entry[0].ptr(), "a resource URI");
        py::handle document = entry[1];
        if (is_text(document.ptr())) {
          BytesView text(document.ptr(), "a resource");
          registry.add(uri, text.view());
        } else {
          OwnedDocument converted;
          to_json(document.ptr(), &converted.value, converted.allocator, 0, kDocumentMaxDepth);
          registry.add(uri, converted.value);
        }
      }
      options.resources = &registry;
    }
    if (is_text(schema.ptr())) {
      BytesView text(schema.ptr(), "schema");
      py::gil_scoped_release release;
      return specgate::Schema::compile(text.view(), options);
    }
    if (!PyDict_Check(schema.ptr()) && !PyBool_Check(schema.ptr())) {
      throw_type_error("schema", "a dict, a bool, or JSON text (str or bytes)", schema.ptr());
    }
    OwnedDocument document;
    to_json(schema.ptr(), &document.value, document.allocator, 0, kDocumentMaxDepth);
    py::gil_scoped_release release;
    return specgate::Schema::compile(document.value, options);
  }

  specgate::Schema schema_;
  specgate::ValidateOptions options_;
};

Signature is_valid_signature{"is_valid", {"instance"}, 1, 1};
Signature iter_errors_signature{"iter_errors", {"instance"}, 1, 1};
Signature is_valid_object_signature{"is_valid_object", {"instance"}, 1, 1};
Signature iter_errors_object_signature{"iter_errors_object", {"instance"}, 1, 1};

template <Signature* Sig, PyObject* (PySchema::*Method)(PyObject*) const>
PyObject* schema_method(PyObject* self, PyObject* const* args, Py_ssize_t nargs,
                        PyObject* kwnames) {
  PyObject* instance = nullptr;
  if (!parse_arguments(*Sig, args, nargs, kwnames, &instance)) return nullptr;
  PySchema* schema = bound_object<PySchema>(self, "Schema");
  if (schema == nullptr) return nullptr;
  try {
    return (schema->*Method)(instance);
  } catch (...) {
    set_python_error();
    return nullptr;
  }
}

// ------------------------------------------------------------------ CLI

py::tuple run_cli(const std::vector<std::string>& args) {
  std::ostringstream out;
  std::ostringstream err;
  int status = 0;
  {
    py::gil_scoped_release release;
    status = specgate::run_cli(args, out, err);
  }
  return py::make_tuple(status, py::bytes(out.str()), py::bytes(err.str()));
}

std::vector<std::string> string_list(py::handle args) {
  std::vector<std::string> list;
  for (py::handle arg : args) list.emplace_back(text_of(arg.ptr(), "an argument"));
  return list;
}

// Adds a vectorcall method to a pybind11 class.
void add_method(py::handle cls, PyMethodDef* def) {
  py::object descriptor = py::reinterpret_steal<py::object>(
      PyDescr_NewMethod(reinterpret_cast<PyTypeObject*>(cls.ptr()), def));
  if (!descriptor) throw py::error_already_set();
  if (PyObject_SetAttrString(cls.ptr(), def->ml_name, descriptor.ptr()) != 0) {
    throw py::error_already_set();
  }
}

void intern_names(Signature& sig) {
  for (const char* name : sig.names) sig.interned.push_back(PyUnicode_InternFromString(name));
}

template <typename F>
PyCFunction fastcall(F function) {
  return reinterpret_cast<PyCFunction>(reinterpret_cast<void (*)()>(function));
}

PyMethodDef spec_methods[] = {
    {"validate_request", fastcall(spec_validate_request), METH_FASTCALL | METH_KEYWORDS,
     "validate_request($self, /, method, path, query=None, headers=None, body=None, *, "
     "content_length=None)\n--\n\n"
     "Validates a raw HTTP request; returns a RequestResult (an invalid request is a result, "
     "never an exception).\n\n"
     "path: the raw path as sent, possibly with \"?query\"; query: the raw query string when "
     "the path has none; headers: a mapping or (name, value) pairs, str or bytes; body: bytes, "
     "bytearray, memoryview or str (read in place), None for no body; content_length: the "
     "declared Content-Length, when known before the body."},
    {"validate_response", fastcall(spec_validate_response), METH_FASTCALL | METH_KEYWORDS,
     "validate_response($self, /, method, path, status, headers=None, body=None)\n--\n\n"
     "Validates an upstream's response to a request for method and path: a RequestResult with "
     "status 200 when it keeps the contract, 502 (reason \"invalid_response\") when not."},
    {nullptr, nullptr, 0, nullptr},
};

PyMethodDef schema_methods[] = {
    {"is_valid", fastcall(schema_method<&is_valid_signature, &PySchema::is_valid>),
     METH_FASTCALL | METH_KEYWORDS,
     "is_valid($self, /, instance)\n--\n\n"
     "True when the JSON text (bytes, bytearray, memoryview or str; read in place) is valid. "
     "Malformed JSON is invalid."},
    {"iter_errors", fastcall(schema_method<&iter_errors_signature, &PySchema::iter_errors>),
     METH_FASTCALL | METH_KEYWORDS,
     "iter_errors($self, /, instance)\n--\n\n"
     "Every error (exhaustive mode, up to max_errors) for the JSON text: a list of "
     "InstanceError, empty when valid."},
    {"is_valid_object",
     fastcall(schema_method<&is_valid_object_signature, &PySchema::is_valid_object>),
     METH_FASTCALL | METH_KEYWORDS,
     "is_valid_object($self, /, instance)\n--\n\n"
     "True when the Python value (dict, list, tuple, str, int, float, bool, None) is valid. "
     "Raises TypeError for other types, ValueError for NaN or nesting deeper than max_depth."},
    {"iter_errors_object",
     fastcall(schema_method<&iter_errors_object_signature, &PySchema::iter_errors_object>),
     METH_FASTCALL | METH_KEYWORDS,
     "iter_errors_object($self, /, instance)\n--\n\n"
     "iter_errors for a Python value."},
    {nullptr, nullptr, 0, nullptr},
};

}  // namespace

PYBIND11_MODULE(_core, m) {
  m.doc() =
      "specgate's compiled core. Use the `specgate` package; this module is its private "
      "implementation and may change between releases.";

  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const specgate::SpecError& e) {
      set_problems_error("SpecError", e.problems());
    } catch (const specgate::SchemaError& e) {
      set_problems_error("SchemaError", e.problems());
    }
  });

  for (Signature* sig :
       {&validate_request_signature, &validate_response_signature, &is_valid_signature,
        &iter_errors_signature, &is_valid_object_signature, &iter_errors_object_signature}) {
    intern_names(*sig);
  }
  for (int i = 0; i < 8; ++i) {
    std::string_view name = specgate::reason_name(static_cast<specgate::Reason>(i));
    reason_strings[i] =
        PyUnicode_FromStringAndSize(name.data(), static_cast<Py_ssize_t>(name.size()));
    PyUnicode_InternInPlace(&reason_strings[i]);
  }

  m.attr("SOURCE_FILE") = static_cast<int>(kSourceFile);
  m.attr("SOURCE_TEXT") = static_cast<int>(kSourceText);
  m.attr("SOURCE_OBJECT") = static_cast<int>(kSourceObject);

  result_type = create_result_type();
  m.attr("RequestResult") = py::handle(reinterpret_cast<PyObject*>(result_type));

  py::class_<PyCredential>(m, "Credential",
                           "A credential found in a request, handed to a credential_check.")
      .def_readonly("scheme", &PyCredential::scheme,
                    "The security scheme's name in components.securitySchemes.")
      .def_readonly("type", &PyCredential::type,
                    "\"apiKey\", \"http\", \"oauth2\" or \"openIdConnect\".")
      .def_readonly("http_scheme", &PyCredential::http_scheme,
                    "\"basic\", \"bearer\", ... (lower case) for type \"http\", else \"\".")
      .def_readonly("value", &PyCredential::value,
                    "The API key, the bearer token, or base64 \"user:password\".")
      .def("__repr__", [](const PyCredential& c) {
        // Never the value: a repr ends up in logs.
        return "<Credential scheme=" + std::string(py::repr(make_str(c.scheme))) +
               " type=" + std::string(py::repr(make_str(c.type))) + ">";
      });

  py::class_<specgate::RequestError>(m, "RequestError",
                                     "One problem found in a request or response.")
      .def_property_readonly(
          "location",
          [](const specgate::RequestError& e) {
            return make_str(specgate::location_name(e.location));
          },
          "\"route\", \"security\", \"path\", \"query\", \"header\", \"cookie\" or \"body\".")
      .def_readonly("name", &specgate::RequestError::name,
                    "The parameter or header name; \"\" for the body and the route.")
      .def_readonly("pointer", &specgate::RequestError::pointer,
                    "RFC 6901 pointer into the parameter's value or the body.")
      .def_readonly("keyword", &specgate::RequestError::keyword,
                    "The failed schema keyword, or \"json\", \"required\", ...")
      .def_readonly("schema_pointer", &specgate::RequestError::schema_pointer,
                    "Where the failed keyword is in the spec.")
      .def_readonly("message", &specgate::RequestError::message,
                    "Describes the constraint; never echoes a credential or header value.")
      .def("__repr__", [](const specgate::RequestError& e) {
        std::string text = "<RequestError " + std::string(specgate::location_name(e.location));
        if (!e.name.empty()) text += " " + e.name;
        if (!e.pointer.empty()) text += " " + e.pointer;
        return text + " " + e.keyword + ": " + e.message + ">";
      });

  py::class_<specgate::OperationInfo>(m, "Operation", "Facts about one compiled operation.")
      .def_readonly("method", &specgate::OperationInfo::method, "Lower case.")
      .def_readonly("path", &specgate::OperationInfo::path, "The path template.")
      .def_readonly("operation_id", &specgate::OperationInfo::operation_id)
      .def_readonly("parameter_count", &specgate::OperationInfo::parameter_count)
      .def_readonly("has_body", &specgate::OperationInfo::has_body)
      .def_readonly("secured", &specgate::OperationInfo::secured,
                    "At least one security requirement that is not empty.")
      .def("__repr__", [](const specgate::OperationInfo& o) {
        return "<Operation " + o.method + " " + o.path +
               (o.operation_id.empty() ? "" : " " + o.operation_id) + ">";
      });

  py::class_<PySpec> spec_class(m, "Spec",
                                "A compiled OpenAPI document with its request options: "
                                "immutable, safe to share across threads.");
  spec_class
      .def(py::init<int, py::object, py::object, py::object, bool, std::size_t, std::size_t,
                    std::string_view, std::size_t, bool, py::object, std::size_t, std::size_t,
                    std::size_t, std::size_t, std::size_t>(),
           py::arg("kind"), py::arg("source"), py::arg("base_uri") = py::none(), py::kw_only(),
           py::arg("format_assertion") = py::none(), py::arg("load_external_files") = true,
           py::arg("max_spec_bytes") = std::size_t{64} << 20,
           py::arg("max_ref_depth") = std::size_t{64}, py::arg("mode") = "fast",
           py::arg("max_body_bytes") = std::size_t{1} << 20,
           py::arg("ignore_trailing_slash") = false, py::arg("credential_check") = py::none(),
           py::arg("max_depth") = std::size_t{256}, py::arg("max_errors") = std::size_t{100},
           py::arg("max_headers") = std::size_t{256},
           py::arg("max_header_bytes") = std::size_t{64} << 10,
           py::arg("max_query_parameters") = std::size_t{1024})
      .def_property_readonly(
          "openapi_version", [](const PySpec& s) { return make_str(s.spec().openapi_version()); },
          "The document's `openapi` field, e.g. \"3.0.3\".")
      .def_property_readonly(
          "dialect",
          [](const PySpec& s) { return make_str(specgate::dialect_name(s.spec().dialect())); },
          "The schema dialect: \"oas3.0\" or \"oas3.1\".")
      .def_property_readonly(
          "operations",
          [](const PySpec& s) {
            py::list list;
            for (const specgate::OperationInfo& op : s.spec().operations()) {
              list.append(py::cast(op));
            }
            return list;
          },
          "The compiled operations, a list of Operation.")
      .def_property_readonly(
          "memory_bytes", [](const PySpec& s) { return s.spec().memory_bytes(); },
          "Bytes held by the compiled form (approximate).")
      .def_property_readonly("options", &PySpec::options, "The request options, as a dict.");
  for (PyMethodDef* def = spec_methods; def->ml_name != nullptr; ++def) add_method(spec_class, def);

  py::class_<InstanceError>(m, "InstanceError", "One way an instance fails its schema.")
      .def_readonly("instance_pointer", &InstanceError::instance_pointer,
                    "RFC 6901 pointer into the instance (\"\" is the root).")
      .def_readonly("pointer", &InstanceError::instance_pointer, "Same as instance_pointer.")
      .def_readonly("schema_pointer", &InstanceError::schema_pointer,
                    "Where the failing keyword sits in the schema document.")
      .def_readonly("keyword", &InstanceError::keyword,
                    "\"type\", \"required\", ..., or \"json\" for unparseable text.")
      .def_readonly("message", &InstanceError::message,
                    "Describes the constraint; never echoes the value.")
      .def("__repr__", [](const InstanceError& e) {
        return "<InstanceError " + (e.instance_pointer.empty() ? "(root)" : e.instance_pointer) +
               " " + e.keyword + ": " + e.message + ">";
      });

  py::class_<PySchema> schema_class(m, "Schema",
                                    "A compiled JSON Schema: immutable, safe to share across "
                                    "threads.");
  schema_class
      .def(py::init<py::handle, py::handle, py::handle, py::handle, py::handle, std::size_t,
                    std::size_t>(),
           py::arg("schema"), py::arg("dialect") = py::none(), py::arg("resources") = py::none(),
           py::arg("format_assertion") = py::none(), py::kw_only(),
           py::arg("base_uri") = py::none(), py::arg("max_depth") = std::size_t{256},
           py::arg("max_errors") = std::size_t{1000})
      .def_property_readonly(
          "dialect", [](const PySchema& s) { return make_str(s.dialect()); },
          "The dialect of the root schema resource, e.g. \"2020-12\".")
      .def_property_readonly("max_depth", [](const PySchema& s) { return s.options().max_depth; })
      .def_property_readonly("max_errors",
                             [](const PySchema& s) { return s.options().max_errors; });
  for (PyMethodDef* def = schema_methods; def->ml_name != nullptr; ++def) {
    add_method(schema_class, def);
  }

  m.def(
      "run_cli", [](py::handle args) { return run_cli(string_list(args)); }, py::arg("args"),
      "Runs the `specgate` command line with args (without the program name); returns "
      "(exit status, stdout bytes, stderr bytes).");

  m.def(
      "dialect_names",
      [] {
        py::list list;
        for (const char* name :
             {"draft4", "draft6", "draft7", "2019-09", "2020-12", "oas3.0", "oas3.1"}) {
          list.append(name);
        }
        return list;
      },
      "The dialect names Schema accepts.");
}
