"""Steps the seed's MFGate in PyTorch on given batches from given weights: the fused engine's exactness reference.

Usage: python3 torch-steps.py DATA.safetensors OPTIONS_JSON
DATA (F32 unless noted): "P" [N, H], "W" [H, D], "c" [1, H], "winners" / "losers" I32 [steps, B], "rows" [steps, B, D]
(the batches' prompt rows, noise included). OPTIONS_JSON: {"lr", "weight_decay", "mode": "l2" | "decoupled",
"decay_models": bool}. "l2" is torch.optim.Adam(weight_decay=wd), "decoupled" torch.optim.AdamW(weight_decay=wd);
decay_models false puts P in a parameter group with weight_decay 0. Prints JSON: losses (per step), P, W, c (flat).
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
    dtypes = {"F32": torch.float32, "I32": torch.int32}
    tensors = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        begin, end = info["data_offsets"]
        tensors[name] = torch.frombuffer(bytearray(data[begin:end]), dtype=dtypes[info["dtype"]]).reshape(info["shape"])
    return tensors


class MFGate(nn.Module):
    def __init__(self, P, W, c):
        super().__init__()
        self.P = nn.Embedding(P.shape[0], P.shape[1])
        self.downproj_QtoP = nn.Linear(W.shape[1], W.shape[0], bias=False)
        self.Classifier = nn.Linear(W.shape[0], 1, bias=False)
        with torch.no_grad():
            self.P.weight.copy_(P)
            self.downproj_QtoP.weight.copy_(W)
            self.Classifier.weight.copy_(c)

    def forward(self, winners, losers, rows):
        strong = F.normalize(self.P(winners), p=2, dim=1)
        weak = F.normalize(self.P(losers), p=2, dim=1)
        return self.Classifier((strong - weak) * self.downproj_QtoP(rows)).squeeze(-1)


def main():
    torch.set_num_threads(1)
    tensors = read_safetensors(sys.argv[1])
    options = json.loads(sys.argv[2])
    model = MFGate(tensors["P"], tensors["W"], tensors["c"])
    decay = options["weight_decay"]
    groups = [
        {"params": [model.P.weight], "weight_decay": decay if options["decay_models"] else 0.0},
        {"params": [model.downproj_QtoP.weight, model.Classifier.weight], "weight_decay": decay},
    ]
    optimizer_class = torch.optim.AdamW if options["mode"] == "decoupled" else torch.optim.Adam
    optimizer = optimizer_class(groups, lr=options["lr"])
    criterion = nn.BCEWithLogitsLoss(reduction="mean")
    winners, losers, rows = tensors["winners"].long(), tensors["losers"].long(), tensors["rows"]
    losses = []
    for step in range(winners.shape[0]):
        optimizer.zero_grad()
        logits = model(winners[step], losers[step], rows[step])
        loss = criterion(logits, torch.ones_like(logits))
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    flat = lambda tensor: tensor.detach().reshape(-1).tolist()
    print(json.dumps({"losses": losses, "P": flat(model.P.weight), "W": flat(model.downproj_QtoP.weight), "c": flat(model.Classifier.weight)}))


main()
