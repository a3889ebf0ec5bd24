// The web chat of `xmr serve`: talks to /chat/{session} and shows the answers as cards.
// Everything from the server (item fields, explanations, LLM text) goes into the page as text
// (textContent / attribute values), never as HTML.
"use strict";

(() => {
  const $ = (id) => document.getElementById(id);
  const SESSION_STORE = "xmr-session";
  const KEY_STORE = "xmr-api-key";
  const K = 6;
  const ORDINALS = ["first", "second", "third", "fourth", "fifth"];
  const IMAGE_SUFFIX = /\.(jpe?g|png|webp|gif|bmp|tiff?)$/i;

  let sessionId = localStorage.getItem(SESSION_STORE) || newSession();
  let attachment = null;
  let busy = false;
  let liked = new Set();
  let disliked = new Set();

  // -- small helpers ------------------------------------------------------------------------
  function el(tag, attrs = {}, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attrs)) {
      if (value === null || value === undefined || value === false) continue;
      if (name === "text") node.textContent = String(value);
      else if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
      else node.setAttribute(name, value === true ? "" : String(value));
    }
    for (const child of children) {
      if (child !== null && child !== undefined) node.append(child);
    }
    return node;
  }

  function newSession() {
    const raw = window.crypto && crypto.randomUUID ? crypto.randomUUID()
      : Date.now().toString(16) + Math.random().toString(16).slice(2);
    const id = raw.replace(/[^A-Za-z0-9-]/g, "").slice(0, 64);
    localStorage.setItem(SESSION_STORE, id);
    return id;
  }

  function status(text, isError = false) {
    const node = $("status");
    node.textContent = text;
    node.classList.toggle("error", isError);
  }

  function clock(seconds) {
    const s = Math.max(0, Math.floor(Number(seconds) || 0));
    return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
  }

  function ordinal(rank) {
    return rank <= ORDINALS.length ? `the ${ORDINALS[rank - 1]} one` : `#${rank}`;
  }

  function scrollDown() {
    window.scrollTo({ top: document.body.scrollHeight, behavior: "smooth" });
  }

  // -- the API ------------------------------------------------------------------------------
  function apiKey() {
    return sessionStorage.getItem(KEY_STORE) || "";
  }

  async function api(path, options = {}) {
    const headers = new Headers(options.headers || {});
    if (apiKey()) headers.set("X-API-Key", apiKey());
    const response = await fetch(path, { ...options, headers });
    let body = null;
    try {
      body = await response.json();
    } catch (_) {
      body = null;
    }
    if (response.status === 401) {
      $("key-panel").hidden = false;
      $("api-key").focus();
    }
    if (!response.ok) {
      const error = new Error(detail(body) || `${response.status} ${response.statusText}`);
      error.status = response.status;
      throw error;
    }
    return body;
  }

  function detail(body) {
    if (!body) return "";
    if (typeof body.detail === "string") return body.detail;
    if (Array.isArray(body.detail)) return body.detail.map((d) => d.msg).join("; ");
    return "";
  }

  function chatPath(suffix = "") {
    return `/chat/${encodeURIComponent(sessionId)}${suffix}`;
  }

  // -- rendering ----------------------------------------------------------------------------
  function mediaUrl(item, field) {
    const value = item[field];
    if (typeof value !== "string" || !value) return null;
    if (/^https?:\/\//i.test(value)) return value;
    return `/media/${field}/${encodeURIComponent(item.id)}`;
  }

  function startOf(evidence) {
    if (!evidence) return null;
    const candidates = [evidence.timestamp, evidence.keyframe && evidence.keyframe.time,
      evidence.transcript && evidence.transcript.start];
    const found = candidates.find((v) => typeof v === "number" && Number.isFinite(v) && v >= 0);
    return found === undefined ? null : found;
  }

  function mediaOf(item, evidence, title) {
    const box = el("div", { class: "media" });
    const start = startOf(evidence);
    const at = (url) => (start === null ? url : `${url}#t=${start.toFixed(1)}`);
    const video = mediaUrl(item, "video");
    const image = mediaUrl(item, "image");
    const audio = mediaUrl(item, "audio");
    if (video) {
      box.append(el("video", { src: at(video), controls: true, preload: "metadata", poster: image,
        "aria-label": `Video: ${title}${start === null ? "" : `, from ${clock(start)}`}` }));
    } else if (image) {
      box.append(el("img", { src: image, alt: `Picture of ${title}`, loading: "lazy" }));
    }
    if (audio && !video) {
      box.append(el("audio", { src: at(audio), controls: true, preload: "none",
        "aria-label": `Listen to ${title}${start === null ? "" : ` from ${clock(start)}`}` }));
    }
    return box.childElementCount ? box : null;
  }

  function factsOf(facts) {
    const entries = Object.entries(facts || {}).slice(0, 5);
    if (!entries.length) return null;
    return el("dl", { class: "facts" }, ...entries.map(([name, value]) =>
      el("div", {}, el("dt", { text: name }), el("dd", { text: Array.isArray(value) ? value.join(", ") : value }))));
  }

  function evidenceOf(evidence) {
    if (!evidence) return null;
    const list = el("ul");
    for (const m of evidence.matches || []) {
      const what = m.query ? `${m.modality} query “${m.query}” matched its ${m.field}` : `${m.field} (${m.modality})`;
      list.append(el("li", { text: `${what} · ${m.source} · score ${Number(m.score).toFixed(2)}` }));
    }
    if (evidence.transcript && evidence.transcript.text) {
      const t = evidence.transcript;
      list.append(el("li", { text: `said at ${clock(t.start)}–${clock(t.end)}: “${t.text}”` }));
    }
    if (typeof evidence.timestamp === "number") {
      list.append(el("li", { text: `best matching moment: ${clock(evidence.timestamp)}` }));
    }
    for (const f of evidence.filters || []) list.append(el("li", { text: `meets ${f}` }));
    if (evidence.snippet) list.append(el("li", { text: `“${evidence.snippet}”` }));
    const tags = (evidence.tags || []).map((t) => el("span", { class: "tag", text: t }));
    if (!list.childElementCount && !tags.length) return null;
    return el("details", {}, el("summary", { text: "Why this?" }),
      tags.length ? el("p", {}, "Tags: ", ...tags) : null, list);
  }

  function card(rec, latest) {
    const item = rec.item || {};
    const evidence = rec.evidence || null;
    const title = String(item.title || item.id || rec.id);
    const node = el("article", { class: "card", "data-id": rec.id, "aria-label": `${rec.rank}. ${title}` });
    const media = mediaOf(item, evidence, title);
    if (media) node.append(media);
    const body = el("div", { class: "body" },
      el("span", { class: "rank", text: `#${rec.rank}` }),
      el("h3", { text: title }),
      factsOf(evidence && evidence.facts ? evidence.facts : {}),
      rec.explanation ? el("p", { class: "explanation", text: rec.explanation }) : null,
      evidenceOf(evidence),
      actions(rec, title, latest));
    node.append(body);
    return node;
  }

  function actions(rec, title, latest) {
    const like = el("button", { type: "button", class: "quiet like", "aria-pressed": String(liked.has(rec.id)),
      "aria-label": `Like ${title}`, text: "Like" });
    const dislike = el("button", { type: "button", class: "quiet dislike", "aria-pressed": String(disliked.has(rec.id)),
      "aria-label": `Dislike ${title}`, text: "Dislike" });
    like.addEventListener("click", () => feedback(rec.id, true, title));
    dislike.addEventListener("click", () => feedback(rec.id, false, title));
    const box = el("div", { class: "actions" }, like, dislike);
    if (latest) {
      box.append(el("button", { type: "button", class: "quiet more", "aria-label": `More like ${title}`,
        text: "More like this", onclick: () => send(`more like ${ordinal(rec.rank)}`, null) }));
    }
    return box;
  }

  function renderUser(text, files) {
    $("welcome").hidden = true;
    const bubble = el("div", { class: "bubble" }, text || null);
    for (const f of files) {
      if (!f.url) bubble.append(el("div", { text: `(${f.kind}: ${f.name})` }));
      else if (f.kind === "image") bubble.append(el("img", { src: f.url, alt: "Attached photo" }));
      else bubble.append(el("audio", { src: f.url, controls: true, "aria-label": "Attached sound" }));
    }
    $("chat").append(el("div", { class: "turn user" }, bubble));
  }

  function renderAnswer(cards, notes, latest) {
    $("welcome").hidden = true;
    const turn = el("section", { class: "turn assistant", "aria-label": "Recommendations" });
    if (notes.length) {
      turn.append(el("ul", { class: "notes", "aria-label": "What I understood" },
        ...notes.map((n) => el("li", { text: n }))));
    }
    if (!cards.length) {
      turn.append(el("p", { class: "notes", text: "Nothing matched. Try fewer conditions, or start a new chat." }));
    } else {
      if (latest) document.querySelectorAll(".card .more").forEach((b) => b.remove());
      turn.append(el("div", { class: "cards" }, ...cards.map((c) => card(c, latest))));
    }
    $("chat").append(turn);
    $("chips").hidden = false;
  }

  function notesOf(answer) {
    const notes = answer.message ? [answer.message] : [];
    notes.push(...((answer.query && answer.query.notes) || []));
    if (answer.where) notes.push(`only items where ${answer.where}`);
    const avoid = (answer.query && answer.query.avoid) || [];
    if (avoid.length) notes.push(`avoiding: ${avoid.join(", ")}`);
    for (const step of answer.trace || []) {
      if (step.step === "relax" && step.reason) notes.push(step.reason);
    }
    return notes;
  }

  function clearChat() {
    document.querySelectorAll("#chat .turn").forEach((n) => n.remove());
    $("welcome").hidden = false;
    $("chips").hidden = true;
  }

  // -- actions ------------------------------------------------------------------------------
  async function send(text, file) {
    text = (text || "").trim();
    if (busy) return;
    if (!text && !file) {
      status("Type what you are looking for, or attach a photo or a sound.", true);
      $("message").focus();
      return;
    }
    setBusy(true);
    const form = new FormData();
    form.append("message", text);
    form.append("k", String(K));
    const shown = [];
    if (file) {
      const kind = kindOf(file);
      form.append(kind, file, file.name || kind);
      shown.push({ kind, url: URL.createObjectURL(file), name: file.name });
    }
    renderUser(text, shown);
    clearAttachment();
    $("message").value = "";
    const pending = el("p", { class: "turn notes", text: "Looking…" });
    $("chat").append(pending);
    scrollDown();
    try {
      const body = await api(chatPath(), { method: "POST", body: form });
      pending.remove();
      renderAnswer(body.answer ? body.answer.recommendations : [], body.answer ? notesOf(body.answer) : [], true);
      status(body.answer ? `${body.answer.recommendations.length} recommendations` : "");
    } catch (error) {
      pending.remove();
      $("chat").append(el("p", { class: "turn error", role: "alert", text: `Sorry: ${error.message}` }));
      status(error.message, true);
    } finally {
      setBusy(false);
      scrollDown();
    }
  }

  async function feedback(id, isLike, title) {
    try {
      await api(chatPath(), { method: "POST", headers: { "Content-Type": "application/json" },
        body: JSON.stringify(isLike ? { like: [id] } : { dislike: [id] }) });
      (isLike ? liked : disliked).add(id);
      (isLike ? disliked : liked).delete(id);
      for (const node of document.querySelectorAll(".card")) {
        if (node.dataset.id !== id) continue;
        node.querySelector("button.like").setAttribute("aria-pressed", String(isLike));
        node.querySelector("button.dislike").setAttribute("aria-pressed", String(!isLike));
      }
      status(isLike ? `Noted: you like ${title}.` : `Noted: not ${title}.`);
    } catch (error) {
      status(error.message, true);
    }
  }

  function kindOf(file) {
    if ((file.type || "").startsWith("image/")) return "image";
    if (/^(audio|video)\//.test(file.type || "")) return "audio";
    return IMAGE_SUFFIX.test(file.name || "") ? "image" : "audio";
  }

  function setAttachment(file) {
    attachment = file;
    const preview = $("attachment-preview");
    preview.replaceChildren();
    if (kindOf(file) === "image") preview.append(el("img", { src: URL.createObjectURL(file), alt: "" }));
    $("attachment-name").textContent = `${kindOf(file) === "image" ? "Photo" : "Sound"}: ${file.name || "recording"}`;
    $("attachment").hidden = false;
    status(`Attached ${file.name || "a recording"}: add words if you like, then Send.`);
  }

  function clearAttachment() {
    attachment = null;
    $("file").value = "";
    $("attachment").hidden = true;
    $("attachment-preview").replaceChildren();
  }

  function setBusy(value) {
    busy = value;
    $("send").disabled = value;
    document.querySelectorAll(".chip").forEach((c) => { c.disabled = value; });
  }

  async function restore() {
    clearChat();
    let history;
    try {
      history = await api(chatPath("/history"));
    } catch (error) {
      if (error.status !== 404) status(error.message, true);
      return;
    }
    liked = new Set(history.liked || []);
    disliked = new Set(history.disliked || []);
    const lastAnswer = history.turns.map((t) => t.role === "assistant" && t.cards.length > 0).lastIndexOf(true);
    history.turns.forEach((turn, index) => {
      if (turn.role === "user") renderUser(turn.text, turn.attachments || []);
      else renderAnswer(turn.cards || [], [], index === lastAnswer);
    });
    scrollDown();
  }

  // -- wiring -------------------------------------------------------------------------------
  function wireComposer() {
    $("composer").addEventListener("submit", (event) => {
      event.preventDefault();
      send($("message").value, attachment);
    });
    $("message").addEventListener("keydown", (event) => {
      if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        send($("message").value, attachment);
      }
    });
    $("file").addEventListener("change", () => {
      if ($("file").files.length) setAttachment($("file").files[0]);
    });
    $("attachment-remove").addEventListener("click", () => { clearAttachment(); status(""); });
    document.querySelectorAll(".chip").forEach((chip) => {
      chip.addEventListener("click", () => send(chip.dataset.say, null));
    });
    $("new-chat").addEventListener("click", () => {
      sessionId = newSession();
      liked = new Set();
      disliked = new Set();
      clearChat();
      status("New chat started.");
      $("message").focus();
    });
    $("key-panel").addEventListener("submit", (event) => {
      event.preventDefault();
      const key = $("api-key").value.trim();
      sessionStorage.setItem(KEY_STORE, key);
      document.cookie = `xmr_key=${encodeURIComponent(key)}; path=/; SameSite=Strict`;
      $("key-panel").hidden = true;
      start();
    });
  }

  function wireDrop() {
    let depth = 0;
    const hasFiles = (e) => e.dataTransfer && Array.from(e.dataTransfer.types || []).includes("Files");
    document.addEventListener("dragenter", (e) => {
      if (!hasFiles(e)) return;
      e.preventDefault();
      depth += 1;
      $("drop").hidden = false;
    });
    document.addEventListener("dragover", (e) => { if (hasFiles(e)) e.preventDefault(); });
    document.addEventListener("dragleave", (e) => {
      if (!hasFiles(e)) return;
      depth -= 1;
      if (depth <= 0) { depth = 0; $("drop").hidden = true; }
    });
    document.addEventListener("drop", (e) => {
      if (!hasFiles(e)) return;
      e.preventDefault();
      depth = 0;
      $("drop").hidden = true;
      if (e.dataTransfer.files.length) setAttachment(e.dataTransfer.files[0]);
    });
  }

  function wireRecorder() {
    const button = $("record");
    if (!(navigator.mediaDevices && navigator.mediaDevices.getUserMedia && window.MediaRecorder)) return;
    button.hidden = false;
    let recorder = null;
    button.addEventListener("click", async () => {
      if (recorder) {
        recorder.stop();
        return;
      }
      let stream;
      try {
        stream = await navigator.mediaDevices.getUserMedia({ audio: true });
      } catch (error) {
        status(`The microphone is not available: ${error.message}`, true);
        return;
      }
      const chunks = [];
      recorder = new MediaRecorder(stream);
      recorder.addEventListener("dataavailable", (e) => chunks.push(e.data));
      recorder.addEventListener("stop", () => {
        stream.getTracks().forEach((t) => t.stop());
        const type = recorder.mimeType || "audio/webm";
        recorder = null;
        button.setAttribute("aria-pressed", "false");
        button.textContent = "Record";
        const suffix = type.includes("ogg") ? "ogg" : type.includes("mp4") ? "m4a" : "webm";
        setAttachment(new File(chunks, `recording.${suffix}`, { type }));
      });
      recorder.start();
      button.setAttribute("aria-pressed", "true");
      button.textContent = "Stop recording";
      status("Recording… press Stop recording when you are done.");
    });
  }

  async function start() {
    try {
      const health = await api("/health");
      $("catalog").textContent = `${health.table} · ${health.rows} items`;
    } catch (error) {
      $("catalog").textContent = "the server is not answering";
      status(error.message, true);
      return;
    }
    await restore();
  }

  document.addEventListener("DOMContentLoaded", () => {
    wireComposer();
    wireDrop();
    wireRecorder();
    start();
  });
})();
