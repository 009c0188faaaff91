import { _t } from "@web/core/l10n/translation";
import { patch } from "@web/core/utils/patch";
import { SelectCreateDialog } from "@web/views/view_dialogs/select_create_dialog";
import { MailComposerTemplateSelector } from "@mail/core/web/mail_composer_template_selector";

// The composer's template selector lists every template of the model. On
// cases, the server adds to its domain what leaves out the canned replies of
// other sections (the composer's crm_case_template_domain), as the History
// tab does; a reply picked another way is still refused on send.
patch(MailComposerTemplateSelector.prototype, {
    get crmCaseTemplateDomain() {
        return JSON.parse(this.props.record.data.crm_case_template_domain || "[]");
    },

    async fetchTemplates() {
        const extra = this.crmCaseTemplateDomain;
        if (!extra.length) {
            return super.fetchTemplates(...arguments);
        }
        const domain = [["model", "=", this.props.record.data.render_model], ...extra];
        this.state.templates = await this.orm.searchRead(
            "mail.template",
            domain,
            ["display_name"],
            { limit: this.limit }
        );
    },

    onSelectTemplateSearchMoreBtnClick() {
        const extra = this.crmCaseTemplateDomain;
        if (!extra.length) {
            return super.onSelectTemplateSearchMoreBtnClick(...arguments);
        }
        this.env.services.dialog.add(SelectCreateDialog, {
            resModel: "mail.template",
            title: _t("Insert Templates"),
            multiSelect: false,
            noCreate: true,
            domain: [["model", "=", this.props.record.data.render_model], ...extra],
            onSelected: (templateIds) => this.props.record.update({ template_id: templateIds }),
        });
    },
});
