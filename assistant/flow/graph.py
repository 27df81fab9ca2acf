"""`regroup flows graph`: a picture of a flow's states, drawn by transitions + Graphviz."""

from __future__ import annotations

import shutil
from pathlib import Path

from assistant.errors import UsageError
from assistant.flow.model import Flow

FINISHED = "finished"


def draw(flow: Flow, out: Path) -> Path:
    """Write the flow's state diagram to `out` (.svg or .png)."""
    if out.suffix not in (".svg", ".png"):
        raise UsageError(f"{out}: the picture must end in .svg or .png")
    if shutil.which("dot") is None:
        raise UsageError("drawing needs Graphviz; run 'sudo apt-get install graphviz'")
    try:
        from transitions.extensions import GraphMachine
    except ImportError:
        raise UsageError("drawing needs the graphviz package; run 'pip install graphviz'") from None
    edges = []
    for step in flow.steps:
        for label, target in flow.targets(step):
            edges.append({"trigger": label, "source": step.id, "dest": target})
        if not flow.targets(step):
            edges.append({"trigger": "end", "source": step.id, "dest": FINISHED})
    if flow.timebox:
        edges.append({"trigger": f"after {flow.timebox.seconds:g} s", "source": flow.ids[0],
                      "dest": flow.timebox.goto})

    class Model:
        pass

    model = Model()
    GraphMachine(model=model, states=[*flow.ids, FINISHED], transitions=edges,
                 initial=flow.ids[0], auto_transitions=False, graph_engine="graphviz",
                 title=f"{flow.title} ({flow.name})", show_state_attributes=False)
    out.parent.mkdir(parents=True, exist_ok=True)
    model.get_graph().draw(str(out), prog="dot")  # type: ignore[attr-defined]
    return out
