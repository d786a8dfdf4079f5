"""The seed's MF training recipe in PyTorch, written from its description (not its code), as the benchmark's reference.

MFGate: P = nn.Embedding(N, 128); Q = a frozen nn.Embedding holding the prompt embeddings; W = nn.Linear(D, 128,
bias=False); classifier = nn.Linear(128, 1, bias=False); logit = classifier((normalize(P[win]) - normalize(P[loss]))
* W(Q[prompt])). BCEWithLogitsLoss against ones, Adam(lr 3e-4, weight_decay 1e-5), batch 64, shuffled every epoch.
Batches are sliced from a torch.randperm (no DataLoader), which only makes the reference faster than the seed's loop.

Usage: python3 reference_mf.py DATA.safetensors EPOCHS [THREADS]
DATA holds "embeddings" F32 [rows, D] and "winners", "losers", "prompts" I32 [n] (parsed by hand: the safetensors
package may be absent). Prints one JSON object: examples, epochs, seconds (training loop only), examplesPerSecond,
losses (mean train loss per epoch).
"""
import json
import struct
import sys
import time

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
    def __init__(self, num_models, prompt_embeddings, hidden=128):
        super().__init__()
        self.P = nn.Embedding(num_models, hidden)
        self.Q = nn.Embedding.from_pretrained(prompt_embeddings, freeze=True)
        self.downproj_QtoP = nn.Linear(prompt_embeddings.shape[1], hidden, bias=False)
        self.Classifier = nn.Linear(hidden, 1, bias=False)

    def forward(self, winners, losers, prompts):
        strong = F.normalize(self.P(winners), p=2, dim=1)
        weak = F.normalize(self.P(losers), p=2, dim=1)
        projected = self.downproj_QtoP(self.Q(prompts))
        return self.Classifier((strong - weak) * projected).squeeze(-1)


def main():
    path, epochs = sys.argv[1], int(sys.argv[2])
    torch.set_num_threads(int(sys.argv[3]) if len(sys.argv) > 3 else 2)
    torch.manual_seed(0)
    tensors = read_safetensors(path)
    winners = tensors["winners"].long()
    losers = tensors["losers"].long()
    prompts = tensors["prompts"].long()
    num_models = int(max(winners.max(), losers.max())) + 1
    model = MFGate(num_models, tensors["embeddings"])
    optimizer = torch.optim.Adam(model.parameters(), lr=3e-4, weight_decay=1e-5)
    criterion = nn.BCEWithLogitsLoss(reduction="mean")
    count = winners.shape[0]
    losses = []
    started = time.perf_counter()
    for _ in range(epochs):
        order = torch.randperm(count)
        running = 0.0
        for start in range(0, count, 64):
            index = order[start : start + 64]
            optimizer.zero_grad()
            logits = model(winners[index], losers[index], prompts[index])
            loss = criterion(logits, torch.ones_like(logits))
            loss.backward()
            optimizer.step()
            running += loss.item() * index.shape[0]
        losses.append(running / count)
    seconds = time.perf_counter() - started
    print(json.dumps({"examples": count, "epochs": epochs, "seconds": seconds, "examplesPerSecond": count * epochs / seconds, "losses": losses, "threads": torch.get_num_threads()}))


main()
