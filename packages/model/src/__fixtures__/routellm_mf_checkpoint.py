"""A checkpoint in RouteLLM's MF module layout, and PyTorch's win rates on it, for routellm-checkpoint.test.ts.

Builds RouteLLM's MFModel (routellm/routers/matrix_factorization/model.py: P = nn.Embedding(64, 128), text_proj =
nn.Sequential(nn.Linear(1536, 128, bias=False)), classifier = nn.Sequential(nn.Linear(128, 1, bias=False))) with
seeded default initialization (scaled so that win rates spread), or its training-script variant with plain nn.Linear layers (LAYOUT "plain":
text_proj.weight, classifier.weight). Writes its state_dict as safetensors (by hand: the test machine may lack the
safetensors package), then prints JSON { prompts, winRates }: unit-length random prompt embeddings (as OpenAI's are)
and pred_win_rate(STRONG_ID, WEAK_ID) for each, computed as RouteLLM's forward does, in float32.
Usage: python3 routellm_mf_checkpoint.py OUT LAYOUT PROMPTS SEED STRONG_ID WEAK_ID
"""
import json
import struct
import sys

import torch
import torch.nn.functional as F
from torch import nn


class MFModel(nn.Module):
    def __init__(self, dim=128, num_models=64, text_dim=1536, num_classes=1, plain=False):
        super().__init__()
        self.P = nn.Embedding(num_models, dim)
        if plain:
            self.text_proj = nn.Linear(text_dim, dim, bias=False)
            self.classifier = nn.Linear(dim, num_classes, bias=False)
        else:
            self.text_proj = nn.Sequential(nn.Linear(text_dim, dim, bias=False))
            self.classifier = nn.Sequential(nn.Linear(dim, num_classes, bias=False))

    def forward(self, model_id, prompt_embed):
        model_embed = F.normalize(self.P(torch.tensor(model_id, dtype=torch.long)), p=2, dim=1)
        return self.classifier(model_embed * self.text_proj(prompt_embed)).squeeze()

    @torch.no_grad()
    def pred_win_rate(self, model_a, model_b, prompt_embed):
        logits = self.forward([model_a, model_b], prompt_embed)
        return torch.sigmoid(logits[0] - logits[1]).item()


def write_safetensors(path, tensors):
    header, chunks, offset = {}, [], 0
    for name, tensor in tensors.items():
        data = tensor.detach().contiguous().to(torch.float32).numpy().tobytes()
        header[name] = {"dtype": "F32", "shape": list(tensor.shape), "data_offsets": [offset, offset + len(data)]}
        chunks.append(data)
        offset += len(data)
    header["__metadata__"] = {"format": "pt"}
    encoded = json.dumps(header).encode("utf-8")
    encoded += b" " * ((8 - len(encoded) % 8) % 8)
    with open(path, "wb") as handle:
        handle.write(struct.pack("<Q", len(encoded)))
        handle.write(encoded)
        for chunk in chunks:
            handle.write(chunk)


def main():
    out, layout, count, seed, strong, weak = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6])
    torch.manual_seed(seed)
    model = MFModel(plain=layout == "plain").eval()
    with torch.no_grad():
        # PyTorch's default init gives win rates within 0.01 of 0.5 on unit prompts; spread them like a trained router's.
        for name, parameter in model.named_parameters():
            if not name.startswith("P."):
                parameter.mul_(40.0 if name.startswith("text_proj") else 4.0)
    write_safetensors(out, model.state_dict())
    prompts = F.normalize(torch.randn(count, 1536), p=2, dim=1)
    rates = [model.pred_win_rate(strong, weak, prompt) for prompt in prompts]
    print(json.dumps({"names": list(model.state_dict().keys()), "prompts": prompts.tolist(), "winRates": rates}))


main()
