import { PageTitle } from "../components/common";
import { useI18n } from "../i18n";

export function NotFoundPage() {
  const { t } = useI18n();
  return (
    <>
      <PageTitle title={t("notFound.title")}>{t("notFound.title")}</PageTitle>
      <p>
        <a href="#/">{t("notFound.home")}</a>
      </p>
    </>
  );
}
