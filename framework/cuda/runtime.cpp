// The CUDA backend's shared runtime (runtime.h): status checks that become fw::Error, the stream,
// the per-device cuBLAS handles (created on first use, never destroyed: the CUDA runtime
// may already be shut down when static destructors run), the device guard and synchronisation.
#include "framework/cuda/runtime.h"

#include <atomic>
#include <map>
#include <mutex>
#include <string>

#include "framework/core/error.h"

namespace fw::cuda {

namespace {

// cuBLAS's recommended workspace for Hopper; fixed, so the library never picks a different
// algorithm because some workspace happened to be free (results are the same every run).
constexpr std::size_t kCublasWorkspaceBytes = std::size_t{32} << 20;

[[noreturn]] void fail(const char* op, const char* call, const char* name, const char* description,
                       const std::string& context) {
  throw Error(detail::concat(op, ": ", call, " failed: ", name, " (", description, ")", context));
}

int current_device(const char* op) {
  int device = 0;
  check_cuda(cudaGetDevice(&device), "cudaGetDevice", op);
  return device;
}

struct CublasHandle {
  cublasHandle_t handle = nullptr;
  void* workspace = nullptr;
};

// The handles of every device, by device index. Never destroyed (see the header comment).
struct Handles {
  std::mutex mutex;
  std::map<int, CublasHandle> cublas;
};

Handles& handles() {
  static Handles* all = new Handles;
  return *all;
}

std::atomic<bool> tf32_enabled{false};

cublasMath_t math_mode(bool tf32_on) { return tf32_on ? CUBLAS_TF32_TENSOR_OP_MATH : CUBLAS_DEFAULT_MATH; }

}  // namespace

int device_count(std::string* why) {
  int count = 0;
  const cudaError_t status = cudaGetDeviceCount(&count);
  if (status != cudaSuccess) {
    cudaGetLastError();  // not sticky: clear it so that no later check reports it
    if (why) *why = cudaGetErrorString(status);
    return 0;
  }
  if (count == 0 && why) *why = "the CUDA runtime reports no device";
  return count;
}

void check_cuda(cudaError_t status, const char* call, const char* op, const std::string& context) {
  if (status == cudaSuccess) return;
  cudaGetLastError();  // a non-sticky error would otherwise be reported again by the next check_launch
  fail(op, call, cudaGetErrorName(status), cudaGetErrorString(status), context);
}

void check_cublas(cublasStatus_t status, const char* call, const char* op, const std::string& context) {
  if (status == CUBLAS_STATUS_SUCCESS) return;
  fail(op, call, cublasGetStatusName(status), cublasGetStatusString(status), context);
}

void check_launch(const char* kernel, const char* op) {
  const cudaError_t status = cudaGetLastError();
  if (status == cudaSuccess) return;
  fail(op, detail::concat("the launch of kernel ", kernel).c_str(), cudaGetErrorName(status),
       cudaGetErrorString(status), "");
}

// The NULL stream: the legacy default stream, since nothing here is compiled with
// --default-stream per-thread. Every library accepts it, and work on it runs in submission order.
cudaStream_t stream() { return nullptr; }

cublasHandle_t cublas() {
  const int device = current_device("cublas");
  Handles& all = handles();
  std::lock_guard lock(all.mutex);
  const auto found = all.cublas.find(device);
  if (found != all.cublas.end()) return found->second.handle;
  CublasHandle h;
  const std::string context = " (cuda:" + std::to_string(device) + ")";
  check_cublas(cublasCreate(&h.handle), "cublasCreate", "cublas", context);
  // cublasSetStream resets the workspace to the library's pool, so the workspace is set after it.
  check_cublas(cublasSetStream(h.handle, stream()), "cublasSetStream", "cublas", context);
  check_cuda(cudaMalloc(&h.workspace, kCublasWorkspaceBytes), "cudaMalloc", "cublas", context + ", workspace");
  check_cublas(cublasSetWorkspace(h.handle, h.workspace, kCublasWorkspaceBytes), "cublasSetWorkspace", "cublas",
               context);
  check_cublas(cublasSetMathMode(h.handle, math_mode(tf32_enabled.load())), "cublasSetMathMode", "cublas", context);
  all.cublas.emplace(device, h);
  return h.handle;
}

void set_tf32(bool on) {
  Handles& all = handles();
  std::lock_guard lock(all.mutex);
  tf32_enabled.store(on);
  for (const auto& [device, h] : all.cublas)
    check_cublas(cublasSetMathMode(h.handle, math_mode(on)), "cublasSetMathMode", "set_tf32",
                 " (cuda:" + std::to_string(device) + ")");
}

bool tf32() { return tf32_enabled.load(); }

// previous_ is -1 when `device` was already current: nothing to restore.
DeviceGuard::DeviceGuard(Device device) {
  check(device.kind == Device::Kind::CUDA, "DeviceGuard", "expected a CUDA device, got ", device.str());
  const int current = current_device("DeviceGuard");
  if (current == device.index) {
    previous_ = -1;
    return;
  }
  check_cuda(cudaSetDevice(device.index), "cudaSetDevice", "DeviceGuard", " (" + device.str() + ")");
  previous_ = current;
}

DeviceGuard::~DeviceGuard() {
  if (previous_ < 0) return;
  // A destructor must not throw; restoring a device that was current a moment ago cannot fail
  // short of a broken context, which the next checked call reports.
  if (cudaSetDevice(previous_) != cudaSuccess) cudaGetLastError();
}

void synchronize(const char* op) { check_cuda(cudaStreamSynchronize(stream()), "cudaStreamSynchronize", op); }

}  // namespace fw::cuda
