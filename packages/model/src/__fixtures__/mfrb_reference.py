"""Win rates of the seed's MFRB formula in PyTorch, for the cross-check in mfrb.test.ts.

Reads a safetensors file (parsed by hand: the test machine may lack the safetensors package) holding the router's
tensors with the seed's names plus a "queries" [n, D] tensor, builds nn.Embedding / nn.Linear modules like the seed's
inference model, and prints one JSON list: sigmoid(logit(strong) - logit(weak)) for each query, noise 0.
Usage: python3 mfrb_reference.py FILE STRONG_ID WEAK_ID
"""
import json
import struct
import sys

import torch
import torch.nn.functional as F
from torch import nn


def read_safetensors(path):
    with open(path, "rb") as handle:
        raw = handle.read()
    (length,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8 : 8 + length])
    data = raw[8 + length :]
    tensors = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        assert info["dtype"] == "F32"
        begin, end = info["data_offsets"]
        values = torch.frombuffer(bytearray(data[begin:end]), dtype=torch.float32)
        tensors[name] = values.reshape(info["shape"])
    return tensors


def main():
    tensors = read_safetensors(sys.argv[1])
    strong, weak = int(sys.argv[2]), int(sys.argv[3])
    count, hidden = tensors["P.weight"].shape
    dimension = tensors["downproj_QtoP.weight"].shape[1]
    P = nn.Embedding(count, hidden)
    W = nn.Linear(dimension, hidden, bias=False)
    classifier = nn.Linear(hidden, 1, bias=False)
    with torch.no_grad():
        P.weight.copy_(tensors["P.weight"])
        W.weight.copy_(tensors["downproj_QtoP.weight"])
        classifier.weight.copy_(tensors["Classifier.weight"])
        rates = []
        for query in tensors["queries"]:
            model_embed = F.normalize(P(torch.tensor([strong, weak])), p=2, dim=1)
            logits = classifier(model_embed * W(query)).squeeze()
            rates.append(torch.sigmoid(logits[0] - logits[1]).item())
    print(json.dumps(rates))


main()
