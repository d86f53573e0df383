// Lists the endpoints of /openapi.json as plain HTML (FastAPI's Swagger UI would load from a CDN).
"use strict";
(async function () {
  const status = document.getElementById("status");
  const out = document.getElementById("endpoints");
  try {
    const spec = await (await fetch("/openapi.json")).json();
    for (const [path, ops] of Object.entries(spec.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        const sec = document.createElement("section");
        sec.className = "turn";
        const h = document.createElement("h2");
        h.textContent = method.toUpperCase() + " " + path;
        sec.appendChild(h);
        const p = document.createElement("p");
        p.textContent = op.description || op.summary || "";
        sec.appendChild(p);
        const params = (op.parameters || []).map((x) => x.name + (x.required ? "（必填）" : ""));
        if (params.length) {
          const q = document.createElement("p");
          q.textContent = "参数：" + params.join("、");
          sec.appendChild(q);
        }
        out.appendChild(sec);
      }
    }
    status.textContent = spec.info.title + " " + spec.info.version;
  } catch (e) {
    status.textContent = "读取接口说明失败。";
  }
})();
