package dev.amk.ui.connections;

import dev.amk.common.AmkException;
import dev.amk.common.InvalidInput;
import dev.amk.connections.Connection;
import dev.amk.connections.OAuthDetails;
import dev.amk.oauth.OAuthConnector;
import dev.amk.oauth.TokenEndpoint.DeviceAuthorization;
import dev.amk.providers.OAuthProfile;
import dev.amk.providers.ProviderSpec;
import dev.amk.ui.common.FieldLabels;
import dev.amk.ui.connections.OAuthSignIn.Phase;
import javafx.application.Platform;
import javafx.beans.binding.Bindings;
import javafx.beans.binding.BooleanBinding;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.Scene;
import javafx.scene.control.Button;
import javafx.scene.control.CheckBox;
import javafx.scene.control.Hyperlink;
import javafx.scene.control.Label;
import javafx.scene.control.PasswordField;
import javafx.scene.control.ProgressIndicator;
import javafx.scene.control.TextField;
import javafx.scene.control.TitledPane;
import javafx.scene.input.Clipboard;
import javafx.scene.input.DataFormat;
import javafx.scene.layout.FlowPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import javafx.stage.Modality;
import javafx.stage.Stage;
import javafx.stage.Window;

import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

import static dev.amk.ui.common.Forms.hint;
import static dev.amk.ui.common.Forms.indented;
import static dev.amk.ui.common.Forms.row;

/**
 * "Connect GitHub" (and every other OAuth provider), and "Reconnect" for a connection whose sign-in the provider
 * no longer accepts. The form: the connection's name, the OAuth app's client id (and optional secret, which goes
 * only to the keychain), the permissions to ask for, the device flow where the provider has it, and where to
 * register the app. Connect locks the form and shows the sign-in live in the same window: the step, the page to
 * approve on (copy it, open it again) or the device code to enter, and Cancel. Success shows whose account it is,
 * the scopes and the token's lifetime; a failure shows the connector's message and unlocks the form.
 *
 * <p>The sign-in itself is an {@link OAuthSignIn}; this class only lays out and forwards clicks. Closing the window
 * however it closes cancels a running sign-in and clears the secret field.
 */
public final class ConnectOAuthDialog {
	private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm", Locale.ROOT);

	private final ConnectionsModel model;
	private final OAuthProfile profile;
	private final ProviderSpec provider;
	private final Connection existing;
	/** Every endpoint comes from the person (the generic provider): the fields are required and always shown. */
	private final boolean generic;
	private final OAuthSignIn signIn;
	private final Stage stage = new Stage();
	private final TextField name = new TextField();
	private final TextField clientId = new TextField();
	private final PasswordField clientSecret = new PasswordField();
	private final Map<OAuthProfile.ScopeChoice, CheckBox> scopeBoxes = new LinkedHashMap<>();
	private final TextField scopes = new TextField();
	private final TextField authorizeUrl = new TextField();
	private final TextField tokenUrl = new TextField();
	private final TextField baseUrl = new TextField();
	private final CheckBox device = new CheckBox("Sign in with a code instead (device)");
	private final Label formError = new Label();

	/**
	 * @param reconnect  the connection to sign in to again, or null for a new one
	 * @param onConnected called on the FX thread once the connection is stored (the dialog then shows the result)
	 */
	public ConnectOAuthDialog(Window owner, ConnectionsModel model, OAuthProfile profile, ConnectionRow reconnect,
			Consumer<OAuthConnector.Connected> onConnected) {
		this.model = model;
		this.profile = profile;
		this.provider = profile.provider();
		this.existing = reconnect == null ? null : model.connection(reconnect.name());
		this.signIn = model.newSignIn();
		this.generic = profile.endpointsFromPerson();
		String who = generic ? "an OAuth 2.0 API" : provider.displayName();
		OAuthDetails old = existing == null ? null : existing.oauth();

		// --- the form ---------------------------------------------------------------------------------------------
		name.setId("oauth-name");
		name.setAccessibleText("Connection name");
		name.setText(existing != null ? existing.name() : model.suggestName(provider));
		name.setEditable(existing == null);

		clientId.setId("oauth-client-id");
		clientId.setAccessibleText("Client ID of your OAuth app at " + who);
		clientId.setPromptText("from the OAuth app you registered");
		String knownId = old != null ? old.clientId() : model.knownClientId(provider);
		if (knownId != null) {
			clientId.setText(knownId);
		}

		clientSecret.setId("oauth-client-secret");
		clientSecret.setAccessibleText("Client secret, optional. It is stored only in your OS keychain.");
		clientSecret.setPromptText(old != null && old.clientSecretRef() != null ? "leave empty to keep the stored one"
				: "optional; leave empty for a public client");

		VBox scopeArea = new VBox(4);
		if (!profile.scopeChoices().isEmpty()) {
			FlowPane boxes = new FlowPane(12, 4);
			for (OAuthProfile.ScopeChoice choice : profile.scopeChoices()) {
				CheckBox box = new CheckBox(choice.label());
				box.setId("scope-" + choice.label().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("-$", ""));
				box.setAccessibleText("Permission: " + choice.label() + " (" + String.join(" ", choice.scopes()) + ")");
				box.setSelected(old != null ? old.scopesRequested().containsAll(choice.scopes()) : choice.selectedByDefault());
				scopeBoxes.put(choice, box);
				boxes.getChildren().add(box);
			}
			scopeArea.getChildren().add(row("Permissions", boxes));
		} else if (generic) {
			scopes.setId("oauth-scopes");
			scopes.setAccessibleText("Scopes to ask for, separated by spaces");
			scopes.setPromptText("space-separated, as the API documents them");
			if (old != null) {
				scopes.setText(String.join(" ", old.scopesRequested()));
			}
			scopeArea.getChildren().add(row("Scopes", scopes));
		} else {
			List<String> asked = old != null ? old.scopesRequested() : profile.initialScopes();
			Label fixed = new Label(asked.isEmpty() ? "what you choose on " + who + "'s approval page" : String.join(", ", asked));
			fixed.setId("oauth-fixed-scopes");
			fixed.setWrapText(true);
			scopeArea.getChildren().add(row("Permissions", fixed));
		}

		VBox endpoints = new VBox(8,
				row("Authorize URL", endpoint(authorizeUrl, "oauth-authorize-url", "Authorization page URL",
						old != null && old.authorizeUrl() != null ? old.authorizeUrl().toString() : profile.authorizeUrl(), generic)),
				row("Token URL", endpoint(tokenUrl, "oauth-token-url", "Token endpoint URL",
						old != null ? old.tokenUrl().toString() : profile.tokenUrl(), generic)),
				row("Base URL", endpoint(baseUrl, "oauth-base-url", "Base URL of the API the tokens are for",
						existing != null ? existing.baseUrl().toString() : provider.defaultBaseUrl(), generic)),
				indented(hint(generic ? "Agents reach the API through the broker at /NAME/…, which forwards to the base URL."
						: "Leave empty for " + provider.displayName() + " itself; fill in for an enterprise or self-hosted server.")));
		Node endpointArea;
		javafx.beans.Observable endpointsShown = javafx.beans.binding.Bindings.createBooleanBinding(() -> true);
		if (generic) {
			endpointArea = endpoints;
		} else {
			TitledPane advanced = new TitledPane("Other server (enterprise, self-hosted)", endpoints);
			advanced.setId("oauth-advanced");
			advanced.setExpanded(false);
			advanced.setAnimated(false);
			endpointArea = advanced;
			endpointsShown = advanced.expandedProperty();
		}

		device.setId("oauth-device");
		device.setAccessibleText("Sign in with a code instead: " + who + " shows a page where you type a short code; no redirect to this computer");
		Label deviceHint = hint("For when the browser cannot reach this computer." + (profile.deviceNote() == null ? "" : " " + profile.deviceNote()));
		boolean deviceOffered = profile.supportsDeviceFlow();
		for (Node n : new Node[] {device, deviceHint}) {
			n.setVisible(deviceOffered);
			n.setManaged(deviceOffered);
		}

		Label registerText = hint(generic
				? "Register an OAuth client with the API's provider. Use this redirect URI (any port is allowed):"
				: "First register an OAuth app at " + provider.displayName() + " and paste its client ID above. Use this redirect URI:");
		// The loopback redirect on any port (RFC 8252 §7.3), or the one fixed localhost port Slack insists on.
		String redirectUri = profile.redirectToRegister();
		TextField redirect = new TextField(redirectUri);
		redirect.setId("redirect-uri");
		redirect.setEditable(false);
		redirect.setAccessibleText("Redirect URI to register: " + redirectUri);
		redirect.setPrefColumnCount(18);
		Button copyRedirect = copyButton("copy-redirect-uri", "Copy the redirect URI", redirect::getText);
		HBox registerRow = new HBox(8, redirect, copyRedirect);
		registerRow.setAlignment(Pos.CENTER_LEFT);
		if (profile.registerAt() != null) {
			Hyperlink register = new Hyperlink("Open " + host(profile.registerAt()));
			register.setId("open-register-page");
			register.setAccessibleText("Open the page where you register an OAuth app at " + provider.displayName() + ", in your browser");
			register.setOnAction(e -> model.openInBrowser(profile.registerAt()));
			registerRow.getChildren().add(register);
		}
		VBox register = new VBox(4, registerText, registerRow);
		register.getStyleClass().add("oauth-register");

		formError.setId("oauth-form-error");
		formError.setWrapText(true);
		formError.getStyleClass().add("error-text");
		showWhenText(formError);

		VBox form = new VBox(8,
				row("Name", name), indented(hint(existing != null ? "Signs in to this connection again; its agents keep their access."
						: "Agents reach the account through the broker at /NAME/…")),
				row("Client ID", clientId),
				row("Client secret", clientSecret), indented(hint("Only if the app has one. Kept in your OS keychain, never shown again.")),
				scopeArea,
				endpointArea,
				device, indented(deviceHint),
				register);
		form.setId("oauth-form");

		// --- the live sign-in -------------------------------------------------------------------------------------
		ProgressIndicator spinner = new ProgressIndicator();
		spinner.setId("oauth-spinner");
		spinner.setPrefSize(22, 22);
		spinner.setAccessibleText("Signing in");
		Label step = new Label();
		step.setId("oauth-step");
		step.setWrapText(true);
		step.textProperty().bind(signIn.stepProperty());
		step.accessibleTextProperty().bind(signIn.stepProperty());
		HBox stepRow = new HBox(10, spinner, step);
		stepRow.setAlignment(Pos.CENTER_LEFT);

		TextField link = new TextField();
		link.setId("oauth-link");
		link.setEditable(false);
		link.setAccessibleText("The page where you approve the connection");
		link.textProperty().bind(signIn.authorizationUrlProperty());
		HBox.setHgrow(link, Priority.ALWAYS);
		Button copyLink = copyButton("copy-oauth-link", "Copy the approval link", link::getText);
		Button openLink = new Button("Open again");
		openLink.setId("open-oauth-link");
		openLink.setAccessibleText("Open the approval page in your browser again");
		openLink.setOnAction(e -> model.openInBrowser(link.getText()));
		Label linkHint = hint("");
		linkHint.textProperty().bind(Bindings.when(signIn.browserOpenedProperty())
				.then("Approve in the browser window that opened. If none did, copy the link into your browser.")
				.otherwise("No browser could be opened here: copy the link into your browser."));
		VBox linkBox = new VBox(4, new HBox(8, link, copyLink, openLink), linkHint);
		linkBox.setId("oauth-link-box");
		visibleWhen(linkBox, signIn.authorizationUrlProperty().isNotNull());

		Label codeTitle = hint("Enter this code on the page that opened:");
		Label code = new Label();
		code.setId("device-code");
		code.getStyleClass().add("device-code");
		code.textProperty().bind(Bindings.createStringBinding(() -> deviceOr(DeviceAuthorization::userCode), signIn.deviceProperty()));
		code.accessibleTextProperty().bind(Bindings.concat("Code to enter: ", code.textProperty()));
		Button copyCode = copyButton("copy-device-code", "Copy the code", code::getText);
		HBox codeRow = new HBox(12, code, copyCode);
		codeRow.setAlignment(Pos.CENTER_LEFT);
		TextField page = new TextField();
		page.setId("device-page");
		page.setEditable(false);
		page.setAccessibleText("The page where you enter the code");
		page.textProperty().bind(Bindings.createStringBinding(() -> deviceOr(DeviceAuthorization::verificationUri), signIn.deviceProperty()));
		HBox.setHgrow(page, Priority.ALWAYS);
		Button openPage = new Button("Open page");
		openPage.setId("open-device-page");
		openPage.setAccessibleText("Open the page where you enter the code, in your browser");
		openPage.setOnAction(e -> {
			DeviceAuthorization d = signIn.deviceProperty().get();
			if (d != null) {
				model.openInBrowser(d.verificationUriComplete() != null ? d.verificationUriComplete() : d.verificationUri());
			}
		});
		Label codeExpiry = hint("");
		codeExpiry.setId("device-code-expiry");
		codeExpiry.textProperty().bind(Bindings.createStringBinding(() -> signIn.deviceProperty().get() == null ? ""
				: "The code is valid until " + TIME.format(signIn.deviceProperty().get().expiresAt().atZone(ZoneId.systemDefault())) + ".",
				signIn.deviceProperty()));
		VBox deviceBox = new VBox(6, codeTitle, codeRow, new HBox(8, page, openPage), codeExpiry);
		deviceBox.setId("oauth-device-box");
		visibleWhen(deviceBox, signIn.deviceProperty().isNotNull());

		VBox progress = new VBox(10, stepRow, linkBox, deviceBox);
		progress.setId("oauth-progress");
		progress.getStyleClass().add("oauth-progress");
		BooleanBinding running = signIn.phaseProperty().isEqualTo(Phase.WORKING).or(signIn.phaseProperty().isEqualTo(Phase.CANCELLING));
		visibleWhen(progress, running);

		// --- the outcome --------------------------------------------------------------------------------------------
		Label connectedAs = new Label();
		connectedAs.setId("oauth-connected-as");
		connectedAs.getStyleClass().add("oauth-connected");
		Label grantedScopes = new Label();
		grantedScopes.setId("oauth-granted-scopes");
		grantedScopes.setWrapText(true);
		Label expiry = new Label();
		expiry.setId("oauth-expiry");
		Label next = hint("");
		VBox result = new VBox(6, connectedAs, grantedScopes, expiry, next);
		result.setId("oauth-result");
		visibleWhen(result, signIn.phaseProperty().isEqualTo(Phase.CONNECTED));
		signIn.connectedProperty().subscribe(done -> {
			if (done == null) {
				return;
			}
			connectedAs.setText("Connected" + (done.identity() != null ? " as " + done.identity() : "") + ".");
			grantedScopes.setText("Scopes: " + OAuthTexts.scopes(done.scopes()));
			expiry.setText(capitalized(OAuthTexts.expiry(done.expiresAt(), model.clock().instant())) + ".");
			next.setText(existing != null ? "Its agents use the new sign-in from now on."
					: "Give an agent access with 'amk agent create NAME --grant " + done.connection().name() + "', or in the Agents tab.");
			connectedAs.setAccessibleText(connectedAs.getText() + " " + grantedScopes.getText() + " " + expiry.getText());
		});

		Label error = new Label();
		error.setId("oauth-error");
		error.setWrapText(true);
		error.getStyleClass().add("error-text");
		error.textProperty().bind(signIn.errorProperty());
		showWhenText(error);
		Label notice = new Label();
		notice.setId("oauth-notice");
		notice.setWrapText(true);
		notice.getStyleClass().add("secondary");
		notice.textProperty().bind(signIn.noticeProperty());
		showWhenText(notice);

		// --- buttons: Enter connects (then closes), Escape cancels the sign-in (or closes) ---------------------------
		Button connect = new Button(existing != null ? "Reconnect" : "Connect");
		connect.setId("oauth-connect");
		connect.setAccessibleText((existing != null ? "Reconnect" : "Connect") + ": opens " + who + " in your browser to approve");
		connect.setOnAction(e -> connect());
		Button cancel = new Button("Cancel");
		cancel.setId("oauth-cancel");
		cancel.setAccessibleText("Cancel: stop the sign-in, or close without connecting");
		cancel.setOnAction(e -> {
			if (signIn.isRunning()) {
				signIn.cancel();
			} else {
				stage.close();
			}
		});
		cancel.disableProperty().bind(signIn.phaseProperty().isEqualTo(Phase.CANCELLING));
		Button done = new Button("Done");
		done.setId("oauth-done");
		done.setAccessibleText("Close this window");
		done.setOnAction(e -> stage.close());
		BooleanBinding connectedPhase = signIn.phaseProperty().isEqualTo(Phase.CONNECTED);
		visibleWhen(done, connectedPhase);
		visibleWhen(cancel, connectedPhase.not());
		visibleWhen(connect, signIn.phaseProperty().isEqualTo(Phase.EDITING));
		// One Enter and one Escape per scene: whichever buttons are showing hold them.
		connect.defaultButtonProperty().bind(connectedPhase.not());
		cancel.cancelButtonProperty().bind(connectedPhase.not());
		done.defaultButtonProperty().bind(connectedPhase);
		done.cancelButtonProperty().bind(connectedPhase);

		// While it runs the form steps aside for the progress (Cancel brings it back as it was): the window stays short.
		form.disableProperty().bind(running);
		visibleWhen(form, signIn.phaseProperty().isEqualTo(Phase.EDITING));
		Region spacer = new Region();
		HBox.setHgrow(spacer, Priority.ALWAYS);
		HBox buttons = new HBox(8, spacer, cancel, connect, done);

		Label title = new Label(existing != null ? "Reconnect '" + existing.name() + "' to " + who : "Connect " + who);
		title.getStyleClass().add("dialog-title");
		Label intro = hint(existing != null
				? "Sign in again; the new tokens replace the ones " + who + " no longer accepts."
				: "Sign in on " + who + "'s own page in your browser. The tokens go to your OS keychain; agents never see them.");
		VBox root = new VBox(10, title, intro, form, formError, progress, result, error, notice, buttons);
		root.setId("connect-oauth-dialog");
		root.setPadding(new Insets(14));
		root.setPrefWidth(560);
		root.getStylesheets().add(ConnectOAuthDialog.class.getResource("connections.css").toExternalForm());

		Scene scene = new Scene(root);
		if (owner != null && owner.getScene() != null) {
			Bindings.bindContent(scene.getStylesheets(), owner.getScene().getStylesheets()); // light or dark, as the main window
		} else {
			scene.getStylesheets().add(ConnectOAuthDialog.class.getResource("/dev/amk/ui/amk.css").toExternalForm());
		}
		stage.setScene(scene);
		stage.setTitle(existing != null ? "Reconnect " + existing.name() : "Connect " + (generic ? "OAuth API" : provider.displayName()));
		stage.initOwner(owner);
		stage.initModality(Modality.WINDOW_MODAL);
		stage.setOnHidden(e -> {
			signIn.cancel(); // a sign-in nobody watches must not finish by itself later
			clientSecret.clear();
		});
		signIn.phaseProperty().subscribe(p -> {
			if (p == Phase.CONNECTED) {
				clientSecret.clear();
				onConnected.accept(signIn.connectedProperty().get());
				done.requestFocus();
			} else if (p == Phase.EDITING) {
				connect.requestFocus();
			}
		});
		// Progress, results and errors change the window's height: follow them, so the buttons stay in view.
		for (javafx.beans.Observable grows : List.<javafx.beans.Observable>of(signIn.phaseProperty(), signIn.errorProperty(),
				signIn.noticeProperty(), signIn.authorizationUrlProperty(), signIn.deviceProperty(), formError.textProperty(), endpointsShown)) {
			grows.addListener(o -> Platform.runLater(() -> {
				if (stage.isShowing()) {
					stage.sizeToScene();
				}
			}));
		}
	}

	public void show() {
		stage.show();
		(clientId.getText().isBlank() ? clientId : name).requestFocus();
	}

	public Stage stage() {
		return stage;
	}

	/** The sign-in this dialog shows, for tests to await. */
	public OAuthSignIn signIn() {
		return signIn;
	}

	private void connect() {
		OAuthConnector.Request request;
		try {
			request = request();
			if (existing == null) {
				OAuthConnector.checkNew(request, profile); // the connector's own rules, before a sign-in starts
			}
		} catch (AmkException e) {
			formError.setText(FieldLabels.message(e));
			return;
		}
		formError.setText("");
		signIn.start(request, clientSecret.getText());
	}

	/**
	 * The request as the fields describe it; empty fields leave the choice to the connector (defaults, or what the
	 * connection had). The one check here is the checkboxes', which only this dialog has; the rest are the
	 * connector's ({@link OAuthConnector#checkNew}, {@link OAuthConnector#prepare}), worded with this dialog's labels.
	 */
	private OAuthConnector.Request request() {
		List<String> asked = null;
		if (!scopeBoxes.isEmpty()) {
			LinkedHashSet<String> chosen = new LinkedHashSet<>();
			scopeBoxes.forEach((choice, box) -> {
				if (box.isSelected()) {
					chosen.addAll(choice.scopes());
				}
			});
			if (chosen.isEmpty()) {
				throw new InvalidInput(InvalidInput.Field.SCOPES, InvalidInput.Problem.MISSING, "Choose at least one permission.");
			}
			if (existing != null) { // scopes the connection had that no checkbox stands for (given on the command line) stay
				List<String> offered = profile.scopeChoices().stream().flatMap(c -> c.scopes().stream()).toList();
				existing.oauth().scopesRequested().stream()
						.filter(s -> !offered.contains(s) && !profile.requiredScopes().contains(s) && !profile.defaultScopes().contains(s))
						.forEach(chosen::add);
			}
			asked = new ArrayList<>(chosen);
		} else if (generic) {
			asked = List.of(scopes.getText().strip().split("[\\s,]+")).stream().filter(s -> !s.isEmpty()).toList();
		}
		String secret = clientSecret.getText();
		return new OAuthConnector.Request(name.getText().strip(), provider, clientId.getText().strip(), secret.isEmpty() ? null : secret,
				asked, blankToNull(authorizeUrl), blankToNull(tokenUrl), null, null, blankToNull(baseUrl), device.isSelected(), true,
				existing != null);
	}

	private String deviceOr(java.util.function.Function<DeviceAuthorization, String> part) {
		DeviceAuthorization d = signIn.deviceProperty().get();
		return d == null ? "" : part.apply(d);
	}

	private static TextField endpoint(TextField field, String id, String what, String current, boolean required) {
		field.setId(id);
		field.setAccessibleText(what + (required ? "" : ", optional"));
		field.setPromptText(current != null ? current : "required: https://…");
		return field;
	}

	private static String blankToNull(TextField field) {
		String t = field.getText().strip();
		return t.isEmpty() ? null : t;
	}

	private static Button copyButton(String id, String what, java.util.function.Supplier<String> text) {
		Button copy = new Button("Copy");
		copy.setId(id);
		copy.setAccessibleText(what + " to the clipboard");
		copy.setOnAction(e -> {
			String t = text.get();
			if (t != null && !t.isEmpty()) {
				Clipboard.getSystemClipboard().setContent(Map.of(DataFormat.PLAIN_TEXT, t));
			}
		});
		return copy;
	}

	private static String host(String url) {
		try {
			return java.net.URI.create(url).getHost();
		} catch (IllegalArgumentException e) {
			return url;
		}
	}

	private static String capitalized(String s) {
		return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
	}

	private static void visibleWhen(Node n, javafx.beans.value.ObservableBooleanValue condition) {
		n.visibleProperty().bind(condition);
		n.managedProperty().bind(n.visibleProperty());
	}

	private static void showWhenText(Label l) {
		l.accessibleTextProperty().bind(l.textProperty());
		visibleWhen(l, l.textProperty().isNotEmpty());
	}
}
