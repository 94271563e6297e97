"""The OpenAI-compatible provider: chat completions with a JSON-schema response format, as
served by OpenAI, Azure OpenAI, vLLM, Ollama and the llama.cpp server.
"""

from __future__ import annotations

from typing import Any

from learnloop.llm.http_chat import HttpChatModel, Reply

__all__ = ["OPENAI_BASE_URL", "OpenAICompatibleModel"]

OPENAI_BASE_URL = "https://api.openai.com/v1"


class OpenAICompatibleModel(HttpChatModel):
    """`base_url` ends where `/chat/completions` starts (…/v1 for OpenAI, vLLM, Ollama and
    llama.cpp; an Azure deployment's URL with `azure_api_version` set)."""

    provider = "openai"

    def __init__(self, *, azure_api_version: str | None = None, **settings: Any) -> None:
        super().__init__(**settings)
        self.azure_api_version = azure_api_version

    def _url(self) -> str:
        return f"{self.base_url}/chat/completions"

    def _params(self) -> dict[str, str]:
        return {"api-version": self.azure_api_version} if self.azure_api_version else {}

    def _headers(self) -> dict[str, str]:
        if not self.api_key:
            return {}
        if self.azure_api_version:
            return {"api-key": self.api_key}
        return {"Authorization": f"Bearer {self.api_key}"}

    def _body(self, *, system: str, messages: list[dict[str, Any]], schema_name: str,
              json_schema: dict[str, Any]) -> dict[str, Any]:
        return {
            "model": self.model,
            "messages": [{"role": "system", "content": system}, *messages],
            # strict mode would demand every field be required; validation is ours anyway
            "response_format": {"type": "json_schema", "json_schema": {
                "name": schema_name, "schema": json_schema, "strict": False}},
            "max_tokens": self.max_output_tokens,
        }

    def _read(self, body: Any) -> Reply:
        choice = body["choices"][0]
        message = choice["message"]
        usage = body.get("usage") or {}
        content = message.get("content")  # None when the model refused
        if isinstance(content, list):  # some servers answer in content parts
            content = "".join(part.get("text", "") for part in content if isinstance(part, dict))
        return Reply(answer=content, model=str(body.get("model") or self.model),
                     input_tokens=int(usage.get("prompt_tokens") or 0),
                     output_tokens=int(usage.get("completion_tokens") or 0),
                     truncated=choice.get("finish_reason") == "length",
                     assistant_turn={"role": "assistant", "content": content or ""})

    def _ask_again(self, reply: Reply, problem: str) -> list[dict[str, Any]]:
        return [reply.assistant_turn, {"role": "user", "content": (
            f"That answer cannot be used: {problem}. Answer again with only one JSON object "
            "that fits the schema.")}]
