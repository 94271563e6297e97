"""Each channel against a real local peer: an aiosmtpd server, HTTP servers speaking the Slack
Web API and the Teams webhook format, a signed webhook. Transient failures are retried with
back-off, permanent ones land in the dead-letter list, and a duplicate is never sent again."""

from __future__ import annotations

import hashlib
import hmac
import time

from delivery_peers import SlackPeer, SmtpPeer, TeamsPeer, WebhookPeer
from delivery_support import delivery_workspace, queue, status_of, wait_for
from learnloop.connectors.channels.email import message_id
from learnloop.jobs import JobQueue, start_in_process, stop_in_process
from learnloop.store.deliveries import dead_letter, replay


def _deliver_until_settled(jobs: JobQueue, delivery_id: int, *, seconds: float = 10) -> None:
    """Play the worker's part: run the delivery whenever it is due, until it is settled."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        [sent] = jobs.deliver([delivery_id])
        if sent.status in ("sent", "dead", "in_doubt"):
            return
        time.sleep(sent.retry_in or 0.02)


def test_email_goes_out_with_text_and_html_parts_and_the_key_as_message_id(tmp_path) -> None:
    with SmtpPeer() as peer:
        workspace = delivery_workspace(tmp_path / "home", smtp_host="127.0.0.1",
                                       smtp_port=peer.port)
        [delivery_id] = queue(workspace, key="renewals:leo:1")
        JobQueue(workspace).deliver([delivery_id])
        [mail] = peer.messages
        assert mail["To"] == "leo@example.com"
        assert mail["Message-ID"] == message_id("renewals:leo:1")
        assert mail["X-Learnloop-Delivery"] == "renewals:leo:1"
        kinds = [part.get_content_type() for part in mail.walk()]
        assert "text/plain" in kinds and "text/html" in kinds
        text = next(p for p in mail.walk() if p.get_content_type() == "text/plain")
        body = text.get_payload(decode=True).decode()
        assert "Why you are seeing this: Renewals in your team fell" in body
        assert "/inbox/links/" in body
        assert status_of(workspace, delivery_id).status == "sent"
        workspace.close()


def test_a_transient_smtp_failure_is_retried_after_a_back_off(tmp_path) -> None:
    with SmtpPeer() as peer:
        workspace = delivery_workspace(tmp_path / "home", smtp_host="127.0.0.1",
                                       smtp_port=peer.port)
        peer.script.answers = ["transient"]
        [delivery_id] = queue(workspace)
        jobs = JobQueue(workspace)
        [first] = jobs.deliver([delivery_id])
        assert first.status == "retrying" and first.retry_in >= 0.05
        # not due yet: a second run before the back-off sends nothing
        [early] = jobs.deliver([delivery_id])
        assert early.status is None and peer.messages == []
        _deliver_until_settled(jobs, delivery_id)
        assert len(peer.messages) == 1
        found = status_of(workspace, delivery_id)
        assert (found.status, found.attempts) == ("sent", 2)
        workspace.close()


def test_a_permanent_failure_lands_in_the_dead_letter_list_and_can_be_replayed(tmp_path) -> None:
    with SmtpPeer() as peer:
        workspace = delivery_workspace(tmp_path / "home", smtp_host="127.0.0.1",
                                       smtp_port=peer.port)
        peer.script.answers = ["permanent"]
        [delivery_id] = queue(workspace)
        jobs = JobQueue(workspace)
        [sent] = jobs.deliver([delivery_id])
        assert (sent.status, sent.retry_in) == ("dead", None)
        with workspace.session() as session:
            org = workspace.organisation(session)
            [dead] = dead_letter(session, organisation_id=org.id)
            assert dead.id == delivery_id and "554" in dead.last_error
            replay(session, organisation_id=org.id, delivery_id=delivery_id)
        jobs.deliver([delivery_id])
        assert len(peer.messages) == 1 and status_of(workspace, delivery_id).status == "sent"
        workspace.close()


def test_running_out_of_tries_lands_in_the_dead_letter_list(tmp_path) -> None:
    with SmtpPeer() as peer:
        workspace = delivery_workspace(tmp_path / "home", smtp_host="127.0.0.1",
                                       smtp_port=peer.port)
        peer.script.answers = ["transient"] * 3
        [delivery_id] = queue(workspace)
        _deliver_until_settled(JobQueue(workspace), delivery_id)
        found = status_of(workspace, delivery_id)
        assert (found.status, found.attempts) == ("dead", 3) and peer.messages == []
        workspace.close()


def test_a_duplicate_is_suppressed_at_queueing_and_at_sending(tmp_path) -> None:
    with SmtpPeer() as peer:
        workspace = delivery_workspace(tmp_path / "home", smtp_host="127.0.0.1",
                                       smtp_port=peer.port)
        [delivery_id] = queue(workspace, key="same")
        assert queue(workspace, key="same") == []  # the same key again adds nothing
        jobs = JobQueue(workspace)
        jobs.deliver([delivery_id])
        [again] = jobs.deliver([delivery_id])  # a duplicate job for a sent delivery
        assert again.status is None
        assert len(peer.messages) == 1
        workspace.close()


def test_a_connection_lost_while_sending_the_data_leaves_the_email_in_doubt(tmp_path) -> None:
    with SmtpPeer() as peer:
        workspace = delivery_workspace(tmp_path / "home", smtp_host="127.0.0.1",
                                       smtp_port=peer.port)
        peer.script.answers = ["drop"]
        [delivery_id] = queue(workspace)
        jobs = JobQueue(workspace)
        [sent] = jobs.deliver([delivery_id])
        assert (sent.status, sent.retry_in) == ("in_doubt", None)  # never resent on its own
        [later] = jobs.deliver([delivery_id])
        assert later.status is None and len(peer.in_doubt) == 1 and peer.messages == []
        # the next message opens a fresh connection and goes through
        [other] = queue(workspace, key="after-drop")
        jobs.deliver([other])
        assert len(peer.messages) == 1
        workspace.close()


def test_an_unreachable_smtp_server_is_a_transient_failure(tmp_path) -> None:
    from server_support import free_port

    workspace = delivery_workspace(tmp_path / "home", smtp_host="127.0.0.1",
                                   smtp_port=free_port())
    [delivery_id] = queue(workspace)
    [sent] = JobQueue(workspace).deliver([delivery_id])
    assert sent.status == "retrying"
    assert "SMTP server" in status_of(workspace, delivery_id).last_error
    workspace.close()


def test_slack_gets_block_kit_through_chat_post_message(tmp_path) -> None:
    with SlackPeer() as peer:
        workspace = delivery_workspace(tmp_path / "home", slack_token=peer.token,
                                       slack_base_url=f"{peer.url}/api/",
                                       delivery_channels="slack,inbox")
        [delivery_id] = queue(workspace, key="slack-1", slack_user="U123LEO")
        peer.script.answers = ["transient"]  # ratelimited (HTTP 429) first
        _deliver_until_settled(JobQueue(workspace), delivery_id)
        [posted] = peer.requests
        assert posted["channel"] == "U123LEO"
        assert posted["blocks"][0] == {"type": "header", "text": {
            "type": "plain_text", "text": "Three questions before a renewal call"}}
        assert any(block["type"] == "actions" for block in posted["blocks"])
        assert posted["metadata"]["event_payload"] == {"idempotency_key": "slack-1"}
        found = status_of(workspace, delivery_id)
        assert (found.channel, found.status, found.attempts) == ("slack", "sent", 2)
        workspace.close()


def test_a_slack_refusal_is_permanent(tmp_path) -> None:
    with SlackPeer() as peer:
        workspace = delivery_workspace(tmp_path / "home", slack_token=peer.token,
                                       slack_base_url=f"{peer.url}/api/",
                                       delivery_channels="slack")
        peer.script.answers = ["permanent"]
        [delivery_id] = queue(workspace, slack_user="U404")
        [sent] = JobQueue(workspace).deliver([delivery_id])
        assert sent.status == "dead"
        assert "channel_not_found" in status_of(workspace, delivery_id).last_error
        workspace.close()


def test_a_person_without_a_slack_id_is_reached_in_the_inbox(tmp_path) -> None:
    with SlackPeer() as peer:
        workspace = delivery_workspace(tmp_path / "home", slack_token=peer.token,
                                       slack_base_url=f"{peer.url}/api/",
                                       delivery_channels="slack")
        [delivery_id] = queue(workspace)
        JobQueue(workspace).deliver([delivery_id])
        found = status_of(workspace, delivery_id)
        assert (found.channel, found.status) == ("inbox", "sent") and peer.requests == []
        workspace.close()


def test_teams_gets_an_adaptive_card_and_retries_a_503(tmp_path) -> None:
    with TeamsPeer() as peer:
        workspace = delivery_workspace(tmp_path / "home", teams_webhook_url=f"{peer.url}/hook",
                                       delivery_channels="teams")
        peer.script.answers = ["transient"]
        [delivery_id] = queue(workspace, key="teams-1")
        _deliver_until_settled(JobQueue(workspace), delivery_id)
        [posted] = peer.requests
        card = posted["attachments"][0]["content"]
        assert card["type"] == "AdaptiveCard" and card["body"][0]["text"].startswith("Three")
        assert {action["type"] for action in card["actions"]} == {"Action.OpenUrl"}
        assert status_of(workspace, delivery_id).attempts == 2
        peer.script.answers = ["permanent"]
        [other] = queue(workspace, key="teams-2")
        [sent] = JobQueue(workspace).deliver([other])
        assert sent.status == "dead"
        workspace.close()


def test_the_webhook_is_signed_with_hmac_over_timestamp_and_body(tmp_path) -> None:
    with WebhookPeer() as peer:
        workspace = delivery_workspace(tmp_path / "home", webhook_url=f"{peer.url}/in",
                                       webhook_secret="s3cret", delivery_channels="webhook")
        [delivery_id] = queue(workspace, key="hook-1")
        JobQueue(workspace).deliver([delivery_id])
        [request] = peer.requests
        headers = {name.lower(): value for name, value in request["headers"].items()}
        expected = hmac.new(b"s3cret", headers["x-learnloop-timestamp"].encode() + b"."
                            + request["body"], hashlib.sha256).hexdigest()
        assert headers["x-learnloop-signature"] == f"sha256={expected}"
        assert headers["idempotency-key"] == "hook-1"
        workspace.close()


def test_the_queue_delivers_after_commit_and_retries_through_huey(tmp_path) -> None:
    with SmtpPeer() as peer:
        workspace = delivery_workspace(tmp_path / "home", smtp_host="127.0.0.1",
                                       smtp_port=peer.port)
        peer.script.answers = ["transient"]
        jobs = JobQueue(workspace)
        consumer = start_in_process(jobs)
        try:
            from delivery_support import MESSAGE, WHY
            from learnloop.delivery.outbox import Addressed, queue_messages

            with workspace.session() as session:
                org = workspace.organisation(session)
                found = queue_messages(
                    session, organisation_id=org.id, settings=workspace.settings, kind="nudge",
                    messages=[Addressed(person_key="lea", key="q1", message=MESSAGE, why=WHY)])
                jobs.enqueue_deliveries(session, found)
            [(delivery_id, _)] = found
            assert wait_for(lambda: status_of(workspace, delivery_id).status == "sent",
                            seconds=15)
            assert len(peer.messages) == 1
        finally:
            stop_in_process(consumer)
            workspace.close()


def test_a_missing_channel_is_a_permanent_failure(tmp_path) -> None:
    workspace = delivery_workspace(tmp_path / "home")
    [delivery_id] = queue(workspace, channel="email")  # email is not configured here
    [sent] = JobQueue(workspace).deliver([delivery_id])
    assert sent.status == "dead"
    assert "not configured" in status_of(workspace, delivery_id).last_error
    workspace.close()


def test_two_workers_racing_for_one_delivery_send_it_once(tmp_path, database_url) -> None:
    from concurrent.futures import ThreadPoolExecutor

    with SmtpPeer() as peer:
        workspace = delivery_workspace(tmp_path / "home", database_url, smtp_host="127.0.0.1",
                                       smtp_port=peer.port)
        ids = [queue(workspace, key=f"race-{n}")[0] for n in range(10)]
        jobs = JobQueue(workspace)
        with ThreadPoolExecutor(4) as pool:
            list(pool.map(jobs.deliver, [ids, ids, list(reversed(ids)), ids]))
        assert sorted(mail["X-Learnloop-Delivery"] for mail in peer.messages) == sorted(
            f"race-{n}" for n in range(10))
        assert all(status_of(workspace, i).attempts == 1 for i in ids)
        workspace.close()
