"""Uploading a PNG to a channel (or a thread) with Slack's current upload flow:
``files.getUploadURLExternal`` (a one-off URL), the bytes POSTed there, then
``files.completeUploadExternal`` to share it. The alt text says what the
picture shows; the message it comes with keeps its text."""

from __future__ import annotations

import logging

import httpx
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.pictures.picture import Picture

log = logging.getLogger(__name__)

UPLOAD_TIMEOUT = 30.0


def upload_picture(
    client: WebClient, picture: Picture, channel: str, thread_ts: str | None = None
) -> str | None:
    """Share ``picture`` in ``channel`` (in ``thread_ts``'s thread when given).

    Returns the file id, or None when Slack or the upload refused it (logged).
    """
    try:
        got = client.files_getUploadURLExternal(
            filename=picture.filename, length=len(picture.png), alt_txt=picture.alt[:1000]
        )
        url, file_id = str(got["upload_url"]), str(got["file_id"])
        sent = httpx.post(
            url,
            content=picture.png,
            headers={"Content-Type": "image/png"},
            timeout=UPLOAD_TIMEOUT,
        )
        sent.raise_for_status()
        client.files_completeUploadExternal(
            files=[{"id": file_id, "title": picture.title}],
            channel_id=channel,
            thread_ts=thread_ts,
        )
    except SlackApiError as exc:
        log.warning("picture %s not shared: %s", picture.filename, exc.response.get("error"))
        return None
    except httpx.HTTPError as exc:
        log.warning("picture %s not uploaded: %s", picture.filename, exc)
        return None
    return file_id
