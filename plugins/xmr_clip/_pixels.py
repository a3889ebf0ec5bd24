"""Images → model input, with open_clip's own preprocessing, split for speed and memory.

open_clip's inference transform is ``[Resize, CenterCrop, MaybeConvertMode, MaybeToTensor,
Normalize]``. The PIL steps run per image and give a small ``uint8`` crop (a quarter of the
memory of floats, so a whole batch can be checked before any model work); the last two steps
run once per model batch, on the stacked crops, with the same float32 arithmetic
(``x / 255``, then ``(x - mean) / std``). Per-image tensor ops are avoided on purpose: on a
busy machine each tiny multi-threaded torch op can cost tens of milliseconds.
A transform of any other shape is applied per image as it is.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from xmr_image._images import _BadImage, open_image

TO_TENSOR = ("ToTensor", "MaybeToTensor")


@dataclass(frozen=True)
class Pixels:
    """Preprocessing of one model: ``crops(items)`` per image, ``batch(crops)`` per model batch."""

    head: Any
    mean: tuple[float, ...] | None
    std: tuple[float, ...] | None

    @classmethod
    def of(cls, preprocess: Any) -> Pixels:
        """Split ``preprocess`` when it ends in to-tensor + normalise; else keep it whole."""
        steps = list(getattr(preprocess, "transforms", ()))
        if len(steps) >= 2 and type(steps[-2]).__name__ in TO_TENSOR and type(steps[-1]).__name__ == "Normalize":
            from torchvision.transforms import Compose

            mean, std = steps[-1].mean, steps[-1].std
            return cls(Compose(steps[:-2]), tuple(map(float, mean)), tuple(map(float, std)))
        return cls(preprocess, None, None)

    def crops(self, items: list[Any]) -> tuple[list[Any], dict[int, str]]:
        """Each item decoded and cropped; unreadable ones as ``{index: reason}``.

        Every item is tried, so the failures name all the bad indexes of the batch at once.
        """
        out: list[Any] = []
        failures: dict[int, str] = {}
        for index, item in enumerate(items):
            try:
                out.append(self._crop(open_image(item)))
            except _BadImage as e:
                failures[index] = str(e)
            except (OSError, ValueError) as e:
                failures[index] = f"cannot preprocess the image ({type(e).__name__}: {e})"
        return out, failures

    def _crop(self, image: Any) -> Any:
        result = self.head(image)
        if self.mean is None:
            return result
        crop = np.asarray(result, dtype=np.uint8)
        if crop.ndim != 3 or crop.shape[2] != 3:
            raise ValueError(f"expected an RGB crop, got an array of shape {crop.shape}")
        return crop

    def batch(self, crops: list[Any]) -> Any:
        """Stacked crops → a float32 ``(n, 3, H, W)`` tensor, normalised as open_clip does."""
        import torch

        if self.mean is None:
            return torch.stack(crops)
        x = torch.from_numpy(np.stack(crops)).permute(0, 3, 1, 2).float().div_(255)
        mean = torch.tensor(self.mean, dtype=torch.float32).view(1, -1, 1, 1)
        std = torch.tensor(self.std, dtype=torch.float32).view(1, -1, 1, 1)
        return x.sub_(mean).div_(std).contiguous()
