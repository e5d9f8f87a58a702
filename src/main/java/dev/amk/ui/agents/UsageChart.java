package dev.amk.ui.agents;

import dev.amk.agents.Agent;
import dev.amk.agents.AgentLimits;
import dev.amk.limits.UsageStore;
import javafx.application.Platform;
import javafx.scene.Node;
import javafx.scene.chart.BarChart;
import javafx.scene.chart.CategoryAxis;
import javafx.scene.chart.NumberAxis;
import javafx.scene.chart.XYChart;
import javafx.scene.control.Label;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.VBox;

import java.util.List;

/** The agent editor's small chart: tokens per UTC day over the last two weeks, each bar's tooltip with requests and cost. */
final class UsageChart {
	static final int DAYS = 14;

	final BarChart<String, Number> chart = new BarChart<>(new CategoryAxis(), new NumberAxis());
	private final Label caption = new Label("Reading usage…");

	UsageChart(AgentActions actions, Agent agent) {
		chart.setId("usage-chart");
		chart.setLegendVisible(false);
		chart.setAnimated(false);
		chart.setPrefHeight(160);
		chart.setMinHeight(140);
		chart.setAccessibleText("Tokens per day for the last " + DAYS + " days");
		caption.getStyleClass().add("secondary");
		actions.recentUsage(agent, DAYS).whenComplete((days, failure) -> Platform.runLater(() -> show(failure == null ? days : null)));
	}

	private void show(List<UsageStore.Day> days) {
		if (days == null) {
			caption.setText("Usage could not be read.");
			return;
		}
		if (days.isEmpty()) {
			caption.setText("Usage is not available here.");
			return;
		}
		XYChart.Series<String, Number> tokens = new XYChart.Series<>();
		long total = 0;
		long cost = 0;
		for (UsageStore.Day d : days) {
			tokens.getData().add(new XYChart.Data<>(d.day().toString().substring(5), d.totalTokens()));
			total += d.totalTokens();
			cost += d.costMicroUsd();
		}
		chart.getData().setAll(List.of(tokens));
		for (int i = 0; i < days.size(); i++) {
			UsageStore.Day d = days.get(i);
			Node bar = tokens.getData().get(i).getNode();
			if (bar != null) {
				Tooltip.install(bar, new Tooltip(d.day() + ": " + d.requests() + " requests, " + d.totalTokens() + " tokens, " + AgentLimits.dollars(d.costMicroUsd())
						+ (d.estimatedRequests() > 0 ? " (" + d.estimatedRequests() + " estimated)" : "")));
			}
		}
		caption.setText(String.format("%,d tokens, %s estimated over %d days (UTC).", total, AgentLimits.dollars(cost), days.size()));
	}

	Node section() {
		Label title = new Label("Usage");
		title.getStyleClass().add("agent-name");
		return new VBox(4, title, chart, caption);
	}
}
