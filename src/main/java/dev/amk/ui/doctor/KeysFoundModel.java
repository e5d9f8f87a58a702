package dev.amk.ui.doctor;

import dev.amk.doctor.DoctorFix;
import dev.amk.doctor.ScanResult;
import dev.amk.doctor.Scanner;
import dev.amk.ui.common.OffFxThread;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * Behind the "Keys found on this computer" view: a scan of the person's home and what fixing would do, made off
 * the FX thread (files, the registry and the keychain may be slow), and the fix itself for the files the person
 * confirmed. Futures complete on the FX thread.
 */
public final class KeysFoundModel {
	/** A scan and the plan made from it: what the view shows. */
	public record Report(ScanResult scan, DoctorFix.Plan plan) {
	}

	private final Scanner scanner;
	private final DoctorFix doctor;
	private final Executor background;

	public KeysFoundModel(Scanner scanner, DoctorFix doctor, Executor background) {
		this.scanner = scanner;
		this.doctor = doctor;
		this.background = background;
	}

	public CompletableFuture<Report> scan() {
		return OffFxThread.call(background, () -> {
			ScanResult scan = scanner.scan(List.of());
			return new Report(scan, doctor.plan(scan));
		}, () -> { });
	}

	/** Rewrites the files in {@code confirmed} (paths as the plan names them); the rest are reported as declined. */
	public CompletableFuture<DoctorFix.Outcome> fix(Report report, Set<Path> confirmed) {
		return OffFxThread.call(background, () -> doctor.apply(report.scan(), report.plan(), fp -> confirmed.contains(fp.file())),
				() -> { });
	}
}
