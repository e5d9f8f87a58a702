package dev.amk.doctor;

import java.nio.file.Path;

/**
 * A file the doctor reads, with the program that reads it. {@code client} is a short id (it becomes part of
 * agent names, e.g. {@code claude-desktop}); {@code label} is what a person calls the program.
 */
public record Location(Path file, FileFormat format, String client, String label) {
}
