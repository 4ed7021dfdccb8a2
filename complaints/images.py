"""Images are decoded and saved again on upload: only their pixels reach storage.

A customer's photo carries more than the picture: EXIF (the phone, the time,
often the GPS position of their home), XMP, comments, PNG text chunks,
thumbnails, and sometimes bytes appended after the image's end that another
program would read as HTML or a script (a "polyglot"). Sniffing the first
bytes (``complaints.uploads``) proves the file starts as an image; decoding
it and encoding the pixels afresh proves it *is* one and drops everything
else. What is kept: the pixels (turned upright by the EXIF orientation
first, since the tag goes), the colour profile (colour, no personal data),
transparency and an animation's frames and timing.

The size is checked from the header before any pixel is decoded: a
10 MB PNG can unpack to gigabytes (a decompression bomb). A HEIC photo (an
iPhone's) is saved as JPEG, which every agent's browser shows.
"""

import warnings
from dataclasses import dataclass
from io import BytesIO
from typing import IO

import pillow_heif
from PIL import Image, ImageOps, ImageSequence

pillow_heif.register_heif_opener()
# Our limit (``complaints.uploads.max_image_pixels``) is checked before Pillow's and is
# lower; Pillow's warning for the images between its two thresholds would only repeat it.
warnings.filterwarnings("ignore", category=Image.DecompressionBombWarning)


@dataclass(frozen=True)
class Output:
    decoder: str  # the one Pillow plugin allowed to read the sniffed type
    encoder: str
    content_type: str
    extension: str


# By the type ``filetype`` sniffed: nothing but that type's own decoder reads the file.
OUTPUTS = {
    "image/jpeg": Output("JPEG", "JPEG", "image/jpeg", "jpg"),
    "image/png": Output("PNG", "PNG", "image/png", "png"),
    "image/gif": Output("GIF", "GIF", "image/gif", "gif"),
    "image/webp": Output("WEBP", "WEBP", "image/webp", "webp"),
    "image/heic": Output("HEIF", "JPEG", "image/jpeg", "jpg"),
}
# What survives from the decoder's ``info``: colour and animation, nothing about the sender.
KEPT_INFO = ("icc_profile", "transparency", "duration", "loop", "background", "disposal")
# An animation may decode to this many times the one-picture limit over all its frames.
FRAMES_BUDGET = 5
JPEG_QUALITY = 90


class ImageRefused(ValueError):
    """The file is no image we can decode (``unreadable``) or decodes too large (``too_many_pixels``)."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class Reencoded:
    data: bytes
    content_type: str
    extension: str


def image_reencode(source: IO[bytes], *, content_type: str, max_pixels: int) -> Reencoded:
    """Decode ``source`` (of the sniffed ``content_type``) and encode its pixels alone again.

    Raises ``ImageRefused("too_many_pixels")`` when the header announces more
    than ``max_pixels`` (or an animation more than ``FRAMES_BUDGET`` times as
    many over its frames), before decoding any; ``ImageRefused("unreadable")``
    when it does not decode to the end (truncated, corrupt, not that format).
    """
    output = OUTPUTS[content_type]
    source.seek(0)
    try:
        with Image.open(source, formats=[output.decoder]) as image:
            frames = _size_check(image, max_pixels=max_pixels)
            data = _encode(image, output=output, animated=frames > 1)
    except ImageRefused:
        raise
    except Image.DecompressionBombError as error:  # Pillow's own, far larger, limit
        raise ImageRefused("too_many_pixels") from error
    except Exception as error:  # truncated, corrupt, not that format: a decoder fails many ways
        raise ImageRefused("unreadable") from error
    return Reencoded(data=data, content_type=output.content_type, extension=output.extension)


def _size_check(image: Image.Image, *, max_pixels: int) -> int:
    """The number of frames, once the header's size is known to be within the limits."""
    pixels = image.width * image.height
    if pixels > max_pixels:
        raise ImageRefused("too_many_pixels")
    # Counting a GIF's frames walks its blocks without decoding them.
    frames = getattr(image, "n_frames", 1)
    if pixels * frames > max_pixels * FRAMES_BUDGET:
        raise ImageRefused("too_many_pixels")
    return frames


def _encode(image: Image.Image, *, output: Output, animated: bool) -> bytes:
    kept = {key: image.info[key] for key in KEPT_INFO if key in image.info}
    out = BytesIO()
    if animated:
        frames = [_stripped(frame.copy(), kept) for frame in ImageSequence.Iterator(image)]
        first, rest = frames[0], frames[1:]
        first.save(out, output.encoder, save_all=True, append_images=rest, **_options(output))
        return out.getvalue()
    image.load()  # raises on a truncated or corrupt file
    upright = ImageOps.exif_transpose(image) or image
    clean = _stripped(upright, kept)
    if output.encoder == "JPEG" and clean.mode not in ("RGB", "L", "CMYK"):
        clean = clean.convert("RGB")  # a HEIC's alpha, a palette: JPEG has neither
    clean.save(out, output.encoder, **_options(output))
    return out.getvalue()


def _stripped(image: Image.Image, kept: dict[str, object]) -> Image.Image:
    # The encoders read EXIF, XMP, comments and text chunks from ``info``: leave them none.
    image.info = {key: value for key, value in kept.items() if key != "transparency"}
    if "transparency" in kept and image.mode in ("P", "L", "RGB"):
        image.info["transparency"] = kept["transparency"]
    return image


def _options(output: Output) -> dict[str, object]:
    if output.encoder in ("JPEG", "WEBP"):
        return {"quality": JPEG_QUALITY}
    return {}
