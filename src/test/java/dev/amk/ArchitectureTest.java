package dev.amk;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaConstructorCall;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import dev.amk.access.AccessRegistry;
import dev.amk.activity.ActivityTracker;
import dev.amk.audit.AuditLog;
import dev.amk.ca.LocalCa;
import dev.amk.doctor.DoctorFix;
import dev.amk.audit.AuditStore;
import dev.amk.broker.Services;
import dev.amk.oauth.BrokerCredentials;
import dev.amk.oauth.OAuthConnector;
import dev.amk.oauth.TokenEndpoint;
import dev.amk.oauth.TokenManager;
import dev.amk.proxy.ConnectionTester;
import dev.amk.proxy.McpToolLister;
import dev.amk.proxy.ProxyServer;
import dev.amk.secrets.CachingSecretStore;
import dev.amk.secrets.KeyringSecretStore;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The package rules of README "Architecture", checked on the main classes. The rules name layers, not packages,
 * so a new package under {@code dev.amk} falls under them by where it sits: {@code launcher}, {@code cli} and
 * {@code ui.*} are the outer layers; everything else is the core.
 */
@AnalyzeClasses(packages = "dev.amk", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {
	private static final String LAUNCHER = "dev.amk.launcher..";
	private static final String CLI = "dev.amk.cli..";
	private static final String UI = "dev.amk.ui..";
	private static final String[] JAVAFX = {"javafx..", "com.dustinredmond.fxtrayicon.."};

	private static final DescribedPredicate<JavaClass> CORE = resideInAPackage("dev.amk..").and(not(resideInAnyPackage(LAUNCHER, CLI, UI)))
			.as("are in the core (every package but launcher, cli and ui)");

	/** Long-lived parts with resources or state of their own: built once, by the wiring, and handed to who needs them. */
	private static final Set<String> SERVICES = Set.of(AccessRegistry.class, ActivityTracker.class, AuditLog.class, AuditStore.class,
			BrokerCredentials.class, CachingSecretStore.class, ConnectionTester.class, DoctorFix.class, KeyringSecretStore.class, LocalCa.class, McpToolLister.class,
			OAuthConnector.class, ProxyServer.class, TokenEndpoint.class, TokenManager.class).stream().map(Class::getName).collect(Collectors.toSet());

	@ArchTest
	static final ArchRule layers = layeredArchitecture().consideringOnlyDependenciesInLayers()
			.layer("Launcher").definedBy(LAUNCHER)
			.layer("CLI").definedBy(CLI)
			.layer("UI").definedBy(UI)
			.layer("Core").definedBy(CORE)
			.whereLayer("Launcher").mayNotBeAccessedByAnyLayer()
			.whereLayer("CLI").mayOnlyBeAccessedByLayers("Launcher")
			.whereLayer("UI").mayOnlyBeAccessedByLayers("Launcher")
			.because("the core is what every front end shares; only main() knows both the command line and the desktop app");

	@ArchTest
	static final ArchRule coreLoadsNoJavaFx = noClasses().that(CORE).should().dependOnClassesThat().resideInAnyPackage(JAVAFX)
			.because("the broker runs headless (amk serve, servers without a display)");

	@ArchTest
	static final ArchRule cliLoadsNoJavaFx = noClasses().that().resideInAPackage(CLI).should().dependOnClassesThat().resideInAnyPackage(JAVAFX)
			.because("every amk command starts fast and works without a display; the launcher starts the desktop app");

	@ArchTest
	static final ArchRule noCyclesBetweenTopLevelPackages = slices().matching("dev.amk.(*)..").should().beFreeOfCycles();

	@ArchTest
	static final ArchRule noCyclesBetweenUiPackages = slices().matching("dev.amk.ui.(*)..").should().beFreeOfCycles();

	@ArchTest
	static final ArchRule onlyTheWiringConstructsServices = noClasses().that().doNotHaveFullyQualifiedName(Services.class.getName())
			.should().callConstructorWhere(DescribedPredicate.describe("the constructor of a service (a *Service class, or one of " + new TreeSet<>(SERVICES) + ")",
					(JavaConstructorCall call) -> isService(call.getTargetOwner()) && !call.getOriginOwner().equals(call.getTargetOwner())))
			.because("services are wired once, in " + Services.class.getSimpleName() + ", and shared: two instances of one would disagree");

	/** Every package says in its package-info.java what it owns and what it may import. */
	@ArchTest
	static void everyPackageIsDocumented(JavaClasses classes) {
		Set<String> undocumented = classes.stream().map(JavaClass::getPackageName).distinct()
				.filter(p -> !Files.exists(Path.of("src/main/java", p.replace('.', '/'), "package-info.java")))
				.collect(Collectors.toCollection(TreeSet::new));
		assertEquals(Set.of(), undocumented, "packages without a package-info.java");
	}

	private static boolean isService(JavaClass c) {
		return c.getPackageName().startsWith("dev.amk.") && (c.getSimpleName().endsWith("Service") || SERVICES.contains(c.getName()));
	}
}
