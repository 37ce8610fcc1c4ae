"""scripts/execute_notebooks.py: what it keeps of the outputs it saves."""

import execute_notebooks
import nbformat


def test_a_widget_output_keeps_its_view_and_loses_its_text_repr():
    view = {"model_id": "abc", "version_major": 2, "version_minor": 0}
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(outputs=[
        nbformat.v4.new_output("display_data", data={
            "text/plain": "Playground(children=(HBox(children=(FloatLogSlider(...",
            "application/vnd.jupyter.widget-view+json": view}),
        nbformat.v4.new_output("execute_result", data={"text/plain": "42"}, execution_count=1),
    ])])
    execute_notebooks.drop_widget_reprs(nb)
    widget, result = nb.cells[0].outputs
    assert widget.data == {"application/vnd.jupyter.widget-view+json": view}
    assert result.data == {"text/plain": "42"}  # other outputs keep their text
    nbformat.validate(nb)


def test_progress_bars_keep_what_a_terminal_shows_last():
    assert execute_notebooks.final_text("a 10%\ra 50%\ra 100%\nnext") == "a 100%\nnext"
