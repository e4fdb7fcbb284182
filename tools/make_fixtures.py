#!/usr/bin/python3
"""Writes reference fixtures computed by PyTorch into tests/fixtures/.

The C++ tests compare the framework against these files; nothing in the build or the test
suite runs this script, and the fixtures are committed. To regenerate them:

    apt-get install python3-torch       # Debian's PyTorch (CPU)
    /usr/bin/python3 tools/make_fixtures.py

(use the system interpreter, which sees Debian's python3-torch). Every number is written with
Python's repr, which round-trips a double exactly; float32 values are written as the double
equal to the float32, so casting back to float is exact. Seeds are fixed, so a rerun with the
same PyTorch version reproduces the files.

Fixtures:
  gru_bidirectional.json  nn.GRU(batch_first=True, bidirectional=True) on a padded batch with
                          unsorted mixed lengths, through pack_padded_sequence(enforce_sorted=False)
                          and pad_packed_sequence: outputs, h_n, and the gradients of
                          L = sum(output * w_out) + sum(h_n * w_h) with respect to x and every
                          parameter, in float64 and float32, for 1 and 2 layers.
"""
import json
import os

import torch
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FIXTURES = os.path.join(ROOT, "tests", "fixtures")


def flat(t):
    """Row-major list of Python floats."""
    return [float(v) for v in t.detach().reshape(-1).tolist()]


def gru_case(num_layers, batch, time, input_size, hidden, lengths, seed):
    torch.manual_seed(seed)
    x64 = torch.rand(batch, time, input_size, dtype=torch.float64) * 2 - 1
    w_out = torch.randn(batch, time, 2 * hidden, dtype=torch.float64)
    w_h = torch.randn(2 * num_layers, batch, hidden, dtype=torch.float64)
    reference = torch.nn.GRU(input_size, hidden, num_layers=num_layers, batch_first=True, bidirectional=True)
    reference = reference.double()  # PyTorch's default init U(-1/sqrt(H), 1/sqrt(H)), then widened

    case = {
        "num_layers": num_layers,
        "batch": batch,
        "time": time,
        "input_size": input_size,
        "hidden_size": hidden,
        "bidirectional": True,
        "lengths": lengths,
        "w_out": flat(w_out),
        "w_h": flat(w_h),
        "parameter_names": [name for name, _ in reference.named_parameters()],
    }
    for dtype, key in ((torch.float64, "float64"), (torch.float32, "float32")):
        gru = torch.nn.GRU(input_size, hidden, num_layers=num_layers, batch_first=True, bidirectional=True)
        gru = gru.to(dtype)
        with torch.no_grad():
            for p, q in zip(gru.parameters(), reference.parameters()):
                p.copy_(q.to(dtype))
        x = x64.to(dtype).clone().requires_grad_()
        packed = pack_padded_sequence(x, torch.tensor(lengths), batch_first=True, enforce_sorted=False)
        packed_out, h_n = gru(packed)
        output, _ = pad_packed_sequence(packed_out, batch_first=True, total_length=time)
        loss = (output * w_out.to(dtype)).sum() + (h_n * w_h.to(dtype)).sum()
        loss.backward()
        case[key] = {
            "x": flat(x),
            "parameters": {name: flat(p) for name, p in gru.named_parameters()},
            "output": flat(output),
            "h_n": flat(h_n),
            "grad_x": flat(x.grad),
            "grad_parameters": {name: flat(p.grad) for name, p in gru.named_parameters()},
        }
    return case


def write_gru_bidirectional(path):
    fixture = {
        "generator": "tools/make_fixtures.py (PyTorch " + torch.__version__ + ")",
        "loss": "sum(output * w_out) + sum(h_n * w_h)",
        "cases": [
            gru_case(1, batch=4, time=5, input_size=3, hidden=3, lengths=[2, 5, 1, 3], seed=1),
            gru_case(2, batch=3, time=4, input_size=2, hidden=2, lengths=[3, 1, 4], seed=2),
        ],
    }
    with open(path, "w") as f:
        json.dump(fixture, f, indent=1)
        f.write("\n")


def main():
    os.makedirs(FIXTURES, exist_ok=True)
    write_gru_bidirectional(os.path.join(FIXTURES, "gru_bidirectional.json"))


if __name__ == "__main__":
    main()
