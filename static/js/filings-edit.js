/* 在线填报：自动保存、本机暂存、行内校验、佐证材料上传、并发合并。 */
(function () {
  "use strict";
  const form = document.getElementById("filing-form");
  if (!form) return;
  const pk = form.dataset.filing;
  const storeKey = "clusterhub-filing-" + pk;
  const statusEl = document.getElementById("save-status");
  const revInput = document.getElementById("revision-input");
  const submitRev = document.getElementById("submit-revision");
  const csrf = form.querySelector("input[name=csrfmiddlewaretoken]").value;
  let timer = null, inFlight = false, dirty = false, editSeq = 0, retryTimer = null, conflictOpen = !!document.getElementById("conflict-panel");

  function setStatus(text, cls) {
    statusEl.textContent = text;
    statusEl.className = "small " + (cls || "text-muted");
  }

  function formPairs() {
    const pairs = [];
    for (const [k, v] of new FormData(form).entries()) if (typeof v === "string") pairs.push([k, v]);
    return pairs;
  }

  function stash() {
    try {
      localStorage.setItem(storeKey, JSON.stringify({ revision: revInput.value, pairs: formPairs(), at: Date.now() }));
    } catch (e) { /* storage full or disabled: the server copy still counts */ }
  }

  function applyPairs(prefixes, pairs) {
    // Reset the inputs of the given prefixes, then set values from pairs.
    const els = Array.from(form.elements).filter((el) => el.name && prefixes.some((p) => el.name === p || el.name.startsWith(p + ":")));
    els.forEach((el) => { if (el.type === "checkbox" || el.type === "radio") el.checked = false; else if (el.type !== "hidden" && el.type !== "file") el.value = ""; });
    for (const [name, value] of pairs) {
      if (!prefixes.some((p) => name === p || name.startsWith(p + ":"))) continue;
      let matched = Array.from(form.elements).filter((el) => el.name === name);
      if (!matched.length) {
        const m = name.match(/^(v:[a-z0-9_]+):(rows|added):(\d+):/);
        if (m) { ensureRow(m[1], m[2], parseInt(m[3], 10)); matched = Array.from(form.elements).filter((el) => el.name === name); }
      }
      const values = Array.isArray(value) ? value.map(String) : [String(value)];
      matched.forEach((el) => {
        if (el.type === "checkbox" || el.type === "radio") el.checked = values.includes(el.value) || value === true;
        else el.value = Array.isArray(value) ? values[0] : (value === true ? "1" : value === false ? "" : String(value));
      });
    }
    refreshDecor();
  }

  function restore() {
    let saved = null;
    try { saved = JSON.parse(localStorage.getItem(storeKey) || "null"); } catch (e) { saved = null; }
    if (!saved || !saved.pairs) return;
    const current = JSON.stringify(formPairs().filter(([k]) => k.startsWith("v:") || k.startsWith("x:")));
    const stored = JSON.stringify(saved.pairs.filter(([k]) => k.startsWith("v:") || k.startsWith("x:")));
    if (current === stored) { localStorage.removeItem(storeKey); return; }
    const prefixes = Array.from(form.querySelectorAll("input[name^='f:']")).map((el) => "v:" + el.name.slice(2));
    applyPairs(prefixes, saved.pairs);
    saved.pairs.filter(([k]) => k.startsWith("x:")).forEach(([k, v]) => { const el = form.querySelector(`[name="${CSS.escape(k)}"]`); if (el) el.value = v; });
    revInput.value = saved.revision;
    setStatus("已恢复本机暂存的未保存内容，正在保存…", "text-info");
    dirty = true;
    schedule(200);
  }

  function schedule(ms) {
    clearTimeout(timer);
    timer = setTimeout(save, ms === undefined ? 1000 : ms);
  }

  function markChanged() {
    dirty = true; editSeq += 1; stash();
    setStatus("有未保存的修改…", "text-warning-emphasis");
    if (!conflictOpen) schedule();
  }

  function renderIssues(issues) {
    const byField = {};
    issues.forEach((i) => { (byField[i.field] = byField[i.field] || []).push(i); });
    form.querySelectorAll(".filing-field").forEach((box) => {
      const slot = box.querySelector(".field-issues");
      const list = byField[box.dataset.field] || [];
      const oldExpl = {};
      slot.querySelectorAll("textarea[name^='x:']").forEach((t) => { oldExpl[t.name] = t.value; });
      slot.innerHTML = "";
      box.classList.toggle("has-error", list.some((i) => i.severity === "error"));
      list.forEach((i) => {
        if (i.severity === "error") {
          const d = document.createElement("div"); d.className = "invalid-feedback d-block"; d.textContent = i.message; slot.appendChild(d);
        } else {
          const d = document.createElement("div"); d.className = "warning-box text-warning-emphasis small mt-1";
          d.textContent = "⚠ " + i.message;
          const t = document.createElement("textarea"); t.className = "form-control form-control-sm mt-1 explain-input";
          t.name = "x:" + i.code; t.rows = 2; t.maxLength = 500; t.placeholder = "请填写说明（警示需书面说明后方可提交）";
          t.setAttribute("aria-label", "警示说明：" + i.message);
          t.value = oldExpl[t.name] || "";
          d.appendChild(t); slot.appendChild(d);
        }
      });
    });
  }

  async function save() {
    if (inFlight) { schedule(500); return; }
    if (!dirty) return;
    inFlight = true;
    const seq = editSeq;
    const body = new FormData(form);
    form.querySelectorAll("input[type=file]").forEach((el) => body.delete(el.name));
    setStatus("正在保存…");
    let resp, data;
    try {
      resp = await fetch(form.action, { method: "POST", body: body, headers: { "X-Requested-With": "fetch", "Accept": "application/json" }, credentials: "same-origin" });
      data = await resp.json();
    } catch (e) {
      inFlight = false;
      setStatus("网络异常，未能保存。内容已暂存在本机浏览器，将自动重试。", "text-danger");
      clearTimeout(retryTimer); retryTimer = setTimeout(save, 5000);
      return;
    }
    inFlight = false;
    if (resp.ok && data.ok) {
      revInput.value = data.revision; submitRev.value = data.revision; form.dataset.revision = data.revision;
      document.querySelectorAll(".revision-no").forEach((el) => { el.textContent = data.revision; });
      const summary = document.getElementById("issue-summary");
      if (summary && data.summary_html) summary.outerHTML = data.summary_html;
      Object.entries(data.computed || {}).forEach(([key, html]) => {
        const box = form.querySelector(`.filing-field[data-field="${key}"]`);
        if (box) { box.querySelectorAll(".computed-box").forEach((el) => el.remove()); box.querySelector(".field-issues").insertAdjacentHTML("beforebegin", html); }
      });
      Object.entries(data.progress || {}).forEach(([key, p]) => {
        document.querySelectorAll(`.progress-mark[data-section="${key}"]`).forEach((el) => {
          el.className = "progress-mark " + (p.done ? "form-section-done" : "form-section-todo");
          el.innerHTML = p.done ? '<i class="bi bi-check-circle-fill"></i>' : `${p.filled}/${p.total}`;
        });
      });
      renderIssues(data.issues || []);
      if (seq === editSeq) { dirty = false; localStorage.removeItem(storeKey); setStatus(`第 ${data.revision} 版 · ${data.saved_at} 已保存`, "text-success"); }
      else { stash(); schedule(); }
      const err = document.getElementById("save-error"); if (err) err.remove();
    } else if (resp.status === 409 && data.conflict) {
      conflictOpen = true;
      document.getElementById("conflict-slot").innerHTML = data.html;
      bindMerge();
      setStatus("保存被拒绝：其他人已修改此表单，请合并。您的内容已暂存在本机。", "text-danger");
      document.getElementById("conflict-slot").scrollIntoView({ behavior: "smooth" });
    } else {
      renderIssues(data.issues || []);
      setStatus((data.message || "保存未成功") + "（您的内容已暂存在本机，改正后会自动保存）", "text-danger");
    }
  }

  function bindMerge() {
    const btn = document.getElementById("apply-merge");
    if (!btn) return;
    btn.addEventListener("click", () => {
      const mergeForm = document.getElementById("merge-form");
      mergeForm.querySelectorAll("tr[data-key]").forEach((tr) => {
        const pick = mergeForm.querySelector(`input[name="pick:${tr.dataset.key}"]:checked`) || mergeForm.querySelector(`input[name="pick:${tr.dataset.key}"]`);
        if (pick && pick.value === "theirs") {
          const theirs = JSON.parse(tr.querySelector(".theirs-inputs").textContent || "{}");
          applyPairs(["v:" + tr.dataset.key], Object.entries(theirs));
        }
      });
      revInput.value = mergeForm.querySelector("input[name=revision]").value;
      const m = document.createElement("input"); m.type = "hidden"; m.name = "merge"; m.value = "1"; m.id = "merge-flag"; form.appendChild(m);
      document.getElementById("conflict-panel").remove();
      conflictOpen = false; dirty = true; editSeq += 1; stash();
      save().then(() => { const f = document.getElementById("merge-flag"); if (f) f.remove(); });
    });
  }

  function ensureRow(prefix, kind, index) {
    const btn = form.querySelector(`button[data-prefix="${prefix}:${kind}:"]`);
    if (!btn) return;
    const table = btn.closest(".filing-field").querySelector("table tbody");
    while (table.querySelectorAll(kind === "rows" ? "tr" : "tr.added-row").length <= index) addRow(btn);
  }

  function addRow(btn) {
    const tbody = btn.closest(".filing-field").querySelector("table tbody");
    const cols = btn.dataset.cols.split(",");
    const tr = document.createElement("tr");
    if (btn.classList.contains("add-row")) {
      const i = tbody.querySelectorAll("tr").length;
      tr.innerHTML = `<td>${i + 1}</td>` + cols.map((c) => `<td><input type="text" class="form-control form-control-sm" name="${btn.dataset.prefix}${i}:${c}" aria-label="第${i + 1}行 ${c}"></td>`).join("");
    } else {
      const i = tbody.querySelectorAll("tr.added-row").length;
      tr.className = "added-row";
      tr.innerHTML = ["direction", "label", ...cols].map((c) => `<td><input type="text" class="form-control form-control-sm" name="${btn.dataset.prefix}${i}:${c}" aria-label="${c === "direction" ? "方向" : c === "label" ? "指标" : c}"></td>`).join("");
    }
    tbody.appendChild(tr);
    return tr;
  }

  function refreshDecor() {
    form.querySelectorAll("[data-max]").forEach((el) => {
      const counter = form.querySelector(`.char-counter[data-for="${el.id}"]`);
      if (!counter) return;
      const n = Array.from(el.value.trim()).length, max = parseInt(el.dataset.max, 10);
      counter.textContent = `${n} / ${max} 字`;
      counter.className = "small text-end char-counter " + (n > max ? "text-danger fw-bold" : "text-muted");
    });
    form.querySelectorAll(".evidence-for-option").forEach((slot) => {
      const box = slot.closest(".filing-field");
      const cb = box.querySelector(`input[type=checkbox][value="${slot.dataset.option}"]`);
      slot.classList.toggle("d-none", !(cb && cb.checked));
    });
  }

  form.addEventListener("input", (e) => { if (e.target.type !== "file") { refreshDecor(); markChanged(); } });
  form.addEventListener("change", (e) => { if (e.target.type !== "file") { refreshDecor(); markChanged(); } });
  form.addEventListener("submit", (e) => { e.preventDefault(); dirty = true; save(); });
  form.addEventListener("click", async (e) => {
    const t = e.target;
    if (t.classList.contains("none-btn")) { const el = document.getElementById(t.dataset.target); el.value = "无"; markChanged(); }
    if (t.classList.contains("add-row") || t.classList.contains("add-target-row")) { const tr = addRow(t); tr.querySelector("input").focus(); }
    if (t.classList.contains("evidence-delete")) {
      if (!confirm("确定删除该佐证材料？")) return;
      const slot = t.closest(".evidence-slot");
      const body = new FormData(); body.append("csrfmiddlewaretoken", csrf);
      const resp = await fetch(t.dataset.url, { method: "POST", body, headers: { "X-Requested-With": "fetch" } });
      const data = await resp.json();
      if (data.ok) slot.querySelector(".evidence-items").innerHTML = data.html;
      else slot.querySelector(".evidence-error").textContent = data.message;
    }
  });
  form.addEventListener("change", async (e) => {
    const el = e.target;
    if (!el.classList.contains("evidence-input") || !el.files.length) return;
    const slot = el.closest(".evidence-slot");
    const errBox = slot.querySelector(".evidence-error");
    errBox.textContent = "正在上传…";
    const body = new FormData();
    body.append("csrfmiddlewaretoken", csrf); body.append("field", el.dataset.field); body.append("option", el.dataset.option); body.append("file", el.files[0]);
    try {
      const resp = await fetch(el.dataset.url, { method: "POST", body, headers: { "X-Requested-With": "fetch" } });
      const data = await resp.json();
      if (data.ok) { slot.querySelector(".evidence-items").innerHTML = data.html; errBox.textContent = ""; }
      else errBox.textContent = data.message;
    } catch (err) { errBox.textContent = "上传失败：网络异常，请重试。"; }
    el.value = "";
  });
  window.addEventListener("beforeunload", (e) => { if (dirty) { stash(); e.preventDefault(); e.returnValue = ""; } });
  document.getElementById("submit-form").addEventListener("submit", (e) => {
    if (dirty) { e.preventDefault(); setStatus("请等待保存完成后再提交…", "text-warning-emphasis"); save().then(() => { if (!dirty) e.target.submit(); }); }
  });
  bindMerge();
  refreshDecor();
  restore();
})();
