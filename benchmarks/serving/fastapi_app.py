"""The seed's serving stack as a peer: FastAPI + uvicorn serving KServe v2 infer JSON over libnrt via ctypes.

Each request is parsed (pydantic), its rows are written into the model's input tensors with
nrt_tensor_write, the model runs with nrt_execute, and the output rows are read back with
nrt_tensor_read and returned as v2 JSON. No batching: one request, one execution.

Environment:
  NRT_LIB             path of libnrt.so.1 (run.sh passes the emulator's, target/emu/libnrt.so.1)
  MODEL_REPO          a folder of model folders, each holding one .neff (what `neuron4j serve REPO` reads)
  NEURON_RT_VISIBLE_CORES / NEURON_RT_NUM_CORES   which cores this process owns (read by nrt_init)

Every model is loaded once on each core this process owns. The endpoint is a plain `def`, so FastAPI
runs it on its thread pool; ctypes drops the GIL during each libnrt call, so a process owning two cores
can keep both busy. Each (thread, core, model) gets its own input/output tensors and tensor sets, and a
request takes the next core round-robin.

Run: uvicorn fastapi_app:app --host 127.0.0.1 --port 8000 [--workers 2 with NEURON_RT_NUM_CORES=1]
"""

import ctypes
import itertools
import os
import threading
from array import array
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, List, Optional

from fastapi import FastAPI, HTTPException
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel

NRT_SUCCESS = 0
NRT_FRAMEWORK_TYPE_NO_FW = 1
NRT_TENSOR_PLACEMENT_DEVICE = 0
NRT_TENSOR_USAGE_INPUT = 0

# v2 datatype -> (array typecode, element bytes); libnrt dtype (nrt.h) -> v2 datatype
DATATYPES = {"INT32": ("i", 4), "FP32": ("f", 4), "INT64": ("q", 8)}
NRT_DTYPES = {0x8: "INT32", 0xA: "FP32", 0xC: "INT64"}


class TensorInfo(ctypes.Structure):
    """nrt_tensor_info_t (nrt_experimental.h), 296 bytes."""
    _fields_ = [("name", ctypes.c_char * 256), ("usage", ctypes.c_int), ("size", ctypes.c_size_t),
                ("dtype", ctypes.c_int), ("shape", ctypes.POINTER(ctypes.c_uint32)), ("ndim", ctypes.c_uint32)]


class TensorInfoArray(ctypes.Structure):
    """nrt_tensor_info_array_t: tensor_count, then the entries (read through a cast)."""
    _fields_ = [("tensor_count", ctypes.c_uint64)]


class NrtError(RuntimeError):
    """A libnrt call returned a status other than NRT_SUCCESS."""


def _load_nrt(path: str) -> ctypes.CDLL:
    lib = ctypes.CDLL(path)
    vp = ctypes.c_void_p
    pp = ctypes.POINTER(ctypes.c_void_p)
    lib.nrt_init.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_char_p]
    lib.nrt_close.argtypes = []
    lib.nrt_close.restype = None
    lib.nrt_get_visible_nc_count.argtypes = [ctypes.POINTER(ctypes.c_uint32)]
    lib.nrt_load.argtypes = [ctypes.c_char_p, ctypes.c_size_t, ctypes.c_int32, ctypes.c_int32, pp]
    lib.nrt_unload.argtypes = [vp]
    lib.nrt_tensor_allocate.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_size_t, ctypes.c_char_p, pp]
    lib.nrt_tensor_write.argtypes = [vp, ctypes.c_char_p, ctypes.c_size_t, ctypes.c_size_t]
    lib.nrt_tensor_read.argtypes = [vp, ctypes.c_void_p, ctypes.c_size_t, ctypes.c_size_t]
    lib.nrt_allocate_tensor_set.argtypes = [pp]
    lib.nrt_add_tensor_to_tensor_set.argtypes = [vp, ctypes.c_char_p, vp]
    lib.nrt_destroy_tensor_set.argtypes = [pp]
    lib.nrt_destroy_tensor_set.restype = None
    lib.nrt_tensor_free.argtypes = [pp]
    lib.nrt_tensor_free.restype = None
    lib.nrt_execute.argtypes = [vp, vp, vp]
    lib.nrt_get_model_tensor_info.argtypes = [vp, ctypes.POINTER(ctypes.POINTER(TensorInfoArray))]
    lib.nrt_free_model_tensor_info.argtypes = [ctypes.POINTER(TensorInfoArray)]
    lib.nrt_get_status_as_str.argtypes = [ctypes.c_int]
    lib.nrt_get_status_as_str.restype = ctypes.c_char_p
    return lib


NRT = _load_nrt(os.environ.get("NRT_LIB", "libnrt.so.1"))


def check(status: int, call: str) -> None:
    if status != NRT_SUCCESS:
        raise NrtError(f"{call}: {NRT.nrt_get_status_as_str(status).decode()} ({status})")


class TensorSpec:
    """A model input or output: its name, v2 datatype, shape (batch first) and sizes in bytes."""

    def __init__(self, name: str, datatype: str, shape: List[int]):
        self.name, self.datatype, self.shape = name, datatype, shape
        self.row_elements = 1
        for d in shape[1:]:
            self.row_elements *= d
        self.row_bytes = self.row_elements * DATATYPES[datatype][1]
        self.size = shape[0] * self.row_bytes


class Model:
    """One model loaded on every owned core; tensors and tensor sets per (thread, core)."""

    def __init__(self, name: str, path: Path, cores: int):
        self.name = name
        neff = path.read_bytes()
        self.handles = []
        for core in range(cores):
            handle = ctypes.c_void_p()
            check(NRT.nrt_load(neff, len(neff), core, 1, ctypes.byref(handle)), f"nrt_load({name}, core {core})")
            self.handles.append(handle)
        self.inputs, self.outputs = self._io(self.handles[0])
        self.batch = self.inputs[0].shape[0]
        self.next_core = itertools.count()
        self.local = threading.local()
        self.all_sets = []  # every thread's, for close()
        self.all_sets_lock = threading.Lock()

    @staticmethod
    def _io(handle: ctypes.c_void_p):
        """The model's inputs and outputs, as libnrt reports them (nrt_get_model_tensor_info)."""
        info = ctypes.POINTER(TensorInfoArray)()
        check(NRT.nrt_get_model_tensor_info(handle, ctypes.byref(info)), "nrt_get_model_tensor_info")
        try:
            count = info.contents.tensor_count
            entries = ctypes.cast(ctypes.addressof(info.contents) + 8, ctypes.POINTER(TensorInfo * count)).contents
            inputs, outputs = [], []
            for e in entries:
                spec = TensorSpec(e.name.decode(), NRT_DTYPES[e.dtype], [e.shape[d] for d in range(e.ndim)])
                (inputs if e.usage == NRT_TENSOR_USAGE_INPUT else outputs).append(spec)
            return inputs, outputs
        finally:
            NRT.nrt_free_model_tensor_info(info)

    def _sets(self, core: int):
        """This thread's tensors and tensor sets on `core`, allocated on its first request there."""
        sets = getattr(self.local, "sets", None)
        if sets is None:
            sets = self.local.sets = {}
        if core not in sets:
            in_set, out_set = ctypes.c_void_p(), ctypes.c_void_p()
            check(NRT.nrt_allocate_tensor_set(ctypes.byref(in_set)), "nrt_allocate_tensor_set")
            check(NRT.nrt_allocate_tensor_set(ctypes.byref(out_set)), "nrt_allocate_tensor_set")
            tensors = {}
            for spec, tset in [(s, in_set) for s in self.inputs] + [(s, out_set) for s in self.outputs]:
                t = ctypes.c_void_p()
                check(NRT.nrt_tensor_allocate(NRT_TENSOR_PLACEMENT_DEVICE, core, spec.size, spec.name.encode(),
                                              ctypes.byref(t)), "nrt_tensor_allocate")
                check(NRT.nrt_add_tensor_to_tensor_set(tset, spec.name.encode(), t), "nrt_add_tensor_to_tensor_set")
                tensors[spec.name] = t
            sets[core] = (in_set, out_set, tensors)
            with self.all_sets_lock:
                self.all_sets.append(sets[core])
        return sets[core]

    def close(self) -> None:
        """Frees every thread's tensors and tensor sets, then unloads the model from each core."""
        for in_set, out_set, tensors in self.all_sets:
            NRT.nrt_destroy_tensor_set(ctypes.byref(in_set))
            NRT.nrt_destroy_tensor_set(ctypes.byref(out_set))
            for t in tensors.values():
                NRT.nrt_tensor_free(ctypes.byref(t))
        for handle in self.handles:
            NRT.nrt_unload(handle)

    def infer(self, request: "InferRequest") -> dict:
        given = {i.name: i for i in request.inputs}
        rows = None
        for spec in self.inputs:
            i = given.get(spec.name)
            if i is None or i.datatype != spec.datatype or len(i.shape) != len(spec.shape) \
                    or i.shape[1:] != spec.shape[1:] or not 1 <= i.shape[0] <= self.batch:
                raise HTTPException(400, f"input '{spec.name}' must be {spec.datatype} [n, "
                                         f"{', '.join(map(str, spec.shape[1:]))}] with 1 <= n <= {self.batch}")
            if rows is None:
                rows = i.shape[0]
            elif rows != i.shape[0]:
                raise HTTPException(400, "inputs differ in their first dimension")
        core = next(self.next_core) % len(self.handles)
        in_set, out_set, tensors = self._sets(core)
        for spec in self.inputs:
            data = array(DATATYPES[spec.datatype][0], _flat(given[spec.name].data)).tobytes()
            if len(data) != rows * spec.row_bytes:
                raise HTTPException(400, f"input '{spec.name}': data does not match its shape")
            check(NRT.nrt_tensor_write(tensors[spec.name], data, 0, len(data)), "nrt_tensor_write")
        check(NRT.nrt_execute(self.handles[core], in_set, out_set), "nrt_execute")
        outputs = []
        for spec in self.outputs:
            buf = ctypes.create_string_buffer(rows * spec.row_bytes)
            check(NRT.nrt_tensor_read(tensors[spec.name], buf, 0, len(buf)), "nrt_tensor_read")
            values = array(DATATYPES[spec.datatype][0])
            values.frombytes(buf.raw)
            outputs.append({"name": spec.name, "shape": [rows] + spec.shape[1:], "datatype": spec.datatype,
                            "data": values.tolist()})
        response = {"model_name": self.name, "outputs": outputs}
        if request.id is not None:
            response["id"] = request.id
        return response



def _flat(data):
    if data and isinstance(data[0], list):
        return [x for row in data for x in _flat(row)]
    return data


class InferInput(BaseModel):
    name: str
    shape: List[int]
    datatype: str
    data: List[Any]


class InferRequest(BaseModel):
    id: Optional[str] = None
    inputs: List[InferInput]


MODELS = {}


@asynccontextmanager
async def lifespan(_app: FastAPI):
    """nrt_init and the loads before the first request; unloads and nrt_close at shutdown."""
    check(NRT.nrt_init(NRT_FRAMEWORK_TYPE_NO_FW, b"", b""), "nrt_init")
    count = ctypes.c_uint32()
    check(NRT.nrt_get_visible_nc_count(ctypes.byref(count)), "nrt_get_visible_nc_count")
    repo = Path(os.environ["MODEL_REPO"])
    for folder in sorted(p for p in repo.iterdir() if p.is_dir()):
        neff = next(folder.glob("*.neff"))
        MODELS[folder.name] = Model(folder.name, neff, count.value)
    print(f"fastapi_app pid {os.getpid()}: {len(MODELS)} models on {count.value} core(s)", flush=True)
    yield
    for model in MODELS.values():
        model.close()
    NRT.nrt_close()


app = FastAPI(lifespan=lifespan)


@app.get("/v2/health/ready")
def ready() -> Response:
    return Response(status_code=200 if MODELS else 503)


@app.post("/v2/models/{name}/infer")
def infer(name: str, request: InferRequest):
    model = MODELS.get(name)
    if model is None:
        return JSONResponse({"error": f"unknown model '{name}'"}, status_code=404)
    try:
        return model.infer(request)
    except HTTPException as e:
        return JSONResponse({"error": e.detail}, status_code=e.status_code)
    except NrtError as e:
        return JSONResponse({"error": str(e)}, status_code=500)
