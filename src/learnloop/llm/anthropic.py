"""The Anthropic provider: the Messages API, with the answer's schema as a tool the model must
call, so the answer arrives as parsed JSON input.
"""

from __future__ import annotations

from typing import Any

from learnloop.llm.http_chat import HttpChatModel, Reply

__all__ = ["ANTHROPIC_BASE_URL", "ANTHROPIC_VERSION", "AnthropicModel"]

ANTHROPIC_BASE_URL = "https://api.anthropic.com"
ANTHROPIC_VERSION = "2023-06-01"
_TOOL = "record_answer"


class AnthropicModel(HttpChatModel):
    """`base_url` is where `/v1/messages` starts (https://api.anthropic.com, or a gateway)."""

    provider = "anthropic"

    def _url(self) -> str:
        return f"{self.base_url}/v1/messages"

    def _headers(self) -> dict[str, str]:
        headers = {"anthropic-version": ANTHROPIC_VERSION}
        if self.api_key:
            headers["x-api-key"] = self.api_key
        return headers

    def _body(self, *, system: str, messages: list[dict[str, Any]], schema_name: str,
              json_schema: dict[str, Any]) -> dict[str, Any]:
        return {
            "model": self.model,
            "max_tokens": self.max_output_tokens,
            "system": system,
            "messages": messages,
            "tools": [{"name": _TOOL, "description": (
                f"Record the {schema_name} answer. The tool's input is the whole answer."),
                "input_schema": json_schema}],
            "tool_choice": {"type": "tool", "name": _TOOL},
        }

    def _read(self, body: Any) -> Reply:
        blocks = body["content"]
        usage = body.get("usage") or {}
        tool = next((b for b in blocks if b.get("type") == "tool_use"), None)
        # a compatible server without tools may answer in text; it is parsed as JSON then
        answer = tool["input"] if tool is not None else "".join(
            b.get("text", "") for b in blocks if b.get("type") == "text") or None
        return Reply(answer=answer, model=str(body.get("model") or self.model),
                     input_tokens=int(usage.get("input_tokens") or 0),
                     output_tokens=int(usage.get("output_tokens") or 0),
                     truncated=body.get("stop_reason") == "max_tokens",
                     assistant_turn={"role": "assistant", "content": blocks})

    def _ask_again(self, reply: Reply, problem: str) -> list[dict[str, Any]]:
        ask = (f"That answer cannot be used: {problem}. Call {_TOOL} again with an input that "
               "fits its schema.")
        blocks = reply.assistant_turn["content"]
        tool = next((b for b in blocks if b.get("type") == "tool_use"), None)
        if not blocks:  # an empty assistant turn cannot be sent back
            return [{"role": "user", "content": ask}]
        if tool is None:
            return [reply.assistant_turn, {"role": "user", "content": ask}]
        return [reply.assistant_turn, {"role": "user", "content": [{
            "type": "tool_result", "tool_use_id": tool.get("id", ""), "is_error": True,
            "content": ask}]}]
