package dev.amk.ui.tray;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.awt.Image;
import java.awt.image.MultiResolutionImage;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

class TrayImagesTest {
	@ParameterizedTest
	@EnumSource(TrayMenu.State.class)
	@DisplayName("each menu-bar state is one 16 pt image with its 16 px and 32 px templates, unscaled")
	void multiResolution(TrayMenu.State state) {
		Image image = TrayImages.menuBar(state.file);
		MultiResolutionImage multi = assertInstanceOf(MultiResolutionImage.class, image);
		List<Image> variants = multi.getResolutionVariants();
		assertEquals(List.of(16, 32), variants.stream().map(i -> i.getWidth(null)).toList());
		assertEquals(List.of(16, 32), variants.stream().map(i -> i.getHeight(null)).toList());
		assertEquals(16, image.getWidth(null), "the base size in points");
		assertEquals(32, multi.getResolutionVariant(32, 32).getWidth(null), "Retina gets the @2x pixels");
	}
}
